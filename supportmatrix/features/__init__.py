"""The features family: fixed circuits that each exercise one gradient code path, run, checked against their own oracle and judged."""
