"""Model side: audit a causal language model for a person's data and make it forget them.

Everything here needs the `[model]` extra (torch CPU, transformers) and works offline on a model
in a local directory; nothing is downloaded.
"""
