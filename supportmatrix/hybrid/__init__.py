"""The hybrid-model family: a quantum layer inside a classical model, built, differentiated, trained and judged."""
