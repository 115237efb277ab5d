"""Tax rules as dated data: the parameter tree and its loader."""

from core.rules.loader import Parameter, ParameterError, ParameterTree, ParameterValue, Reference, parameters

__all__ = ["Parameter", "ParameterError", "ParameterTree", "ParameterValue", "Reference", "parameters"]
