"""Method variants as data: a named, versioned parameter set of the index engine (pure).

The concept paper leaves choices open that move money (issue 18). A ``Method`` names one
combination of them; ``indices.compute.compute_indices`` takes it, every stored run records
it (``IndexRun.method_name``, ``method_revision``, ``method_parameters``) and its input
checksum covers it. ``DEFAULT_METHOD`` ("Bad Kreuznach 2021") is methodology.md exactly;
nothing here may change what it computes.

Parameters (methodology section in brackets)
    ``sd`` [5]: ``"sample"`` (n − 1, the default) or ``"population"`` (n) standard deviation
    of the norm range ``mean ± sd``, at Kita and at Sozialraum level alike. Either way a norm
    range needs at least two values.
    ``weighting`` [4]: ``"none"`` (default: the Sozialraum value is the unweighted mean of
    its complete Kitas) or ``"children"`` (weighted by the Kita's children count A1, in
    persons; a complete Kita without a count counts with weight 0 and is named in a warning,
    a Sozialraum whose complete Kitas all lack it has no index).
    ``min_answered`` [3]: ``None`` (default: a category index from whatever standard points
    exist) or a share 0..1: a Kita's category index exists only if the Kita has standard
    points for at least that share of the category's variables that count this round
    (variables excluded for lack of spread count for nobody); else it is missing and the
    Kita is incomplete.
    ``winsorize`` [2]: ``None`` (default) or percentiles ``(lo, hi)`` with
    ``0 <= lo < hi <= 100``: before min-max scaling, each variable is clipped to its lo-th and
    hi-th percentile over the Kitas with a value (linear interpolation, numpy's default), so
    one outlier no longer stretches the scale. ``minmax`` then reports the clipped range.

No Django import: the command ``compute_indices --param`` parses with ``from_params`` and
reports ``MethodError`` (a one-line German message) as its error.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

DEFAULT_NAME = "Bad Kreuznach 2021"
# The name a parameter set gets when it differs from the default (a stored value, German
# like the index classes; shown as stored).
VARIANT_NAME = "Bad Kreuznach 2021 (Variante)"

SD_CHOICES: tuple[str, ...] = ("sample", "population")
WEIGHTING_CHOICES: tuple[str, ...] = ("none", "children")
PARAMETER_NAMES: tuple[str, ...] = ("sd", "weighting", "min_answered", "winsorize")


class MethodError(ValueError):
    """An unknown parameter or an invalid value; the message is one German line."""


@dataclass(frozen=True)
class Method:
    """One parameter set of the engine (see the module docstring for each parameter)."""

    name: str = DEFAULT_NAME
    version: int = 1
    sd: str = "sample"
    weighting: str = "none"
    min_answered: float | None = None
    winsorize: tuple[float, float] | None = None

    def __post_init__(self):
        if self.sd not in SD_CHOICES:
            raise MethodError(_bad_choice("sd", self.sd, SD_CHOICES))
        if self.weighting not in WEIGHTING_CHOICES:
            raise MethodError(_bad_choice("weighting", self.weighting, WEIGHTING_CHOICES))
        if self.min_answered is not None:
            value = float(self.min_answered)
            if not (0.0 <= value <= 1.0):
                raise MethodError(
                    f"Parameter „min_answered“: {_text(self.min_answered)} liegt nicht "
                    "zwischen 0 und 1"
                )
            object.__setattr__(self, "min_answered", value)
        if self.winsorize is not None:
            lo, hi = (float(v) for v in self.winsorize)
            if not (0.0 <= lo < hi <= 100.0):
                raise MethodError(
                    f"Parameter „winsorize“: {_text(lo)},{_text(hi)} – erwartet werden zwei "
                    "Perzentile „unten,oben“ mit 0 ≤ unten < oben ≤ 100"
                )
            object.__setattr__(self, "winsorize", (lo, hi))

    def parameters(self) -> dict:
        """The parameters as JSON-ready data (``winsorize`` as a list), without name/version."""
        data = asdict(self)
        del data["name"], data["version"]
        if data["winsorize"] is not None:
            data["winsorize"] = list(data["winsorize"])
        return data

    @property
    def is_default(self) -> bool:
        """True when it computes what the default method computes (name aside)."""
        return self.parameters() == DEFAULT_METHOD.parameters()

    @property
    def ddof(self) -> int:
        """Delta degrees of freedom of the norm range's standard deviation."""
        return 1 if self.sd == "sample" else 0


DEFAULT_METHOD = Method()


def default_parameters() -> dict:
    """The default method's parameters (the stored value of runs before issue 18)."""
    return DEFAULT_METHOD.parameters()


def from_parameters(data: dict, *, name: str | None = None, version: int = 1) -> Method:
    """The method of stored parameters (``Method.parameters()``); unknown keys are refused."""
    unknown = sorted(set(data) - set(PARAMETER_NAMES))
    if unknown:
        raise MethodError(_unknown(unknown[0]))
    values = dict(data)
    if values.get("winsorize") is not None:
        values["winsorize"] = tuple(values["winsorize"])
    method = Method(name=DEFAULT_NAME, version=version, **values)
    if name is None:
        name = DEFAULT_NAME if method.is_default else VARIANT_NAME
    return replace(method, name=name)


def from_params(params: list[str] | tuple[str, ...] | None) -> Method:
    """The method of command-line parameters ``NAME=WERT`` (each name at most once).

    ``sd=sample|population``, ``weighting=none|children``, ``min_answered=0.5`` (decimal
    point, 0..1; ``none`` for the default) and ``winsorize=5,95`` (``none`` for the default).
    Without parameters, or with only the default values, this is ``DEFAULT_METHOD``.
    """
    values: dict = {}
    for param in params or ():
        key, sep, raw = param.partition("=")
        key, raw = key.strip(), raw.strip()
        if not sep or not key:
            raise MethodError(f"Parameter „{param}“: erwartet wird NAME=WERT (z. B. sd=population)")
        if key not in PARAMETER_NAMES:
            raise MethodError(_unknown(key))
        if key in values:
            raise MethodError(f"Parameter „{key}“ ist doppelt angegeben")
        values[key] = _parse_value(key, raw)
    method = from_parameters(values)
    return DEFAULT_METHOD if method.is_default else method


def _parse_value(key: str, raw: str):
    if key == "sd":
        if raw not in SD_CHOICES:
            raise MethodError(_bad_choice(key, raw, SD_CHOICES))
        return raw
    if key == "weighting":
        if raw not in WEIGHTING_CHOICES:
            raise MethodError(_bad_choice(key, raw, WEIGHTING_CHOICES))
        return raw
    if raw.lower() == "none":
        return None
    if key == "min_answered":
        value = _number(raw)
        if value is None:
            raise MethodError(
                f"Parameter „min_answered“: „{raw}“ ist keine Zahl (Dezimalpunkt „.“, 0 bis 1)"
            )
        return value
    # winsorize
    parts = raw.split(",")
    numbers = [_number(p) for p in parts]
    if len(parts) != 2 or None in numbers:
        raise MethodError(
            f"Parameter „winsorize“: „{raw}“ – erwartet werden zwei Perzentile „unten,oben“ "
            "(z. B. 5,95)"
        )
    return (numbers[0], numbers[1])


def _number(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _unknown(key: str) -> str:
    return f"Unbekannter Parameter „{key}“ (erlaubt: {', '.join(PARAMETER_NAMES)})"


def _bad_choice(key: str, raw, choices: tuple[str, ...]) -> str:
    return f"Parameter „{key}“: unbekannter Wert „{raw}“ (erlaubt: {', '.join(choices)})"
