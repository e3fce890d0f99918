"""lossviz: exact NumPy reference implementations of Keras 3 losses and metrics."""
__version__ = "0.1.0"
