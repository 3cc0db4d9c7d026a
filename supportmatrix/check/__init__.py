"""Running one QNode cell and judging it: circuits, interfaces, the independent oracle, tolerances, classification, failure text."""
