"""The benchmark: what one forward pass and gradient costs per device × diff method × interface × size, each in a fresh process."""
