"""The Catalyst family: the matrix circuit compiled with ``qml.qjit``, differentiated inside it by Catalyst, and judged."""
