"""How an event stores and checks its fields: the record machinery behind :mod:`neurosim.events`.

An event class is written as a class body of annotated fields (``sender: str``, ``value:
float``, ``senders: Tuple[str, ...]``) and methods; :func:`event_record` turns it into a tuple
record, as :func:`collections.namedtuple` does. The constructor people call binds its
arguments like a function (:func:`bind`) and checks every field (:func:`checked`): a name
is a str, a number is finite, lists of names and numbers have equal lengths where they must.
The engine builds events with ``cls._make(values)``, unchecked.
"""

from functools import partial
from inspect import get_annotations
from math import isfinite
from operator import itemgetter
from typing import ClassVar, Optional, Tuple, get_origin

_NAME_FIELDS = {"neuron", "sender", "receiver", "weight_name", "bias_name", "name", "neurons",
                "senders", "weight_names", "outputs", "input"}


PARAMETER_FIELDS = {"weight_name", "bias_name", "name", "weight_names"}


def as_names(value, field):
    if field not in _NAME_FIELDS or value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


#: Lone partials that may be not defined in floating point (None; see neurosim.losses).
_MAY_BE_UNDEFINED = {("OutputErrorDerivative", "value"), ("Delta", "dE_dout")}


#: What each kind of field holds, as the error messages say it.
_WHAT = {
    "name": "a name (str)",
    "text": "a str",
    "number": "a finite number",
    "flag": "true or false",
    "names": "a list of names (str)",
    "numbers": "a list of finite numbers",
    "optional name": "a name (str) or null",
}

#: Fields that hold one entry per connection, output or neuron, so must have equal lengths.
_SAME_LENGTH = {
    "NetInput": ("weight_names", "senders", "weights", "values"),
    "TotalError": ("outputs", "errors"),
    "HiddenErrorDerivative": ("receivers", "products"),
    "BiasGradient": ("neurons", "deltas"),
    "InputGradient": ("receivers", "weight_names", "deltas", "weights", "products"),
}


def _kind_of(name, annotation):
    kinds = {float: "number", bool: "flag", Tuple[str, ...]: "names",
             Tuple[float, ...]: "numbers", Optional[str]: "optional name"}
    if annotation is str:
        return "name" if name in _NAME_FIELDS else "text"
    return kinds[annotation]


def _number(value):
    """``value`` as a finite float, or None when it is not one (bools are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:      # an int past the float range
        return None
    return value if isfinite(value) else None


def bind(cls, args, kwargs):
    """The field values of ``cls(*args, **kwargs)`` in order, defaults filled in, or the
    TypeError a function with the fields as its parameters would raise."""
    fields = cls._fields
    name = cls.__name__
    if len(args) > len(fields):
        raise TypeError(f"{name}() takes {len(fields)} arguments ({', '.join(fields)}), "
                        f"got {len(args)}")
    given = dict(zip(fields, args))
    for key, value in kwargs.items():
        if key not in fields:
            raise TypeError(f"{name}() got an unexpected keyword argument {key!r}; its fields "
                            f"are {', '.join(fields)}")
        if key in given:
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        given[key] = value
    missing = [f for f in fields if f not in given and f not in cls._field_defaults]
    if missing:
        raise TypeError(f"{name}() missing the argument(s) {', '.join(missing)}")
    return [given[f] if f in given else cls._field_defaults[f] for f in fields]


def checked(cls, values):
    """Check (and normalise: lists to tuples, ints to floats) every field of a new event.

    Raises :class:`~neurosim.errors.InputError` naming the class, the field, what it must be
    and what it got, e.g. ``ForwardMessage.value must be a finite number, got None``.
    """
    from .errors import InputError
    out = []
    for (name, kind), value in zip(cls._spec, values):

        def bad(shown=value, where=name, what=_WHAT[kind]):
            return InputError(f"{cls.__name__}.{where} must be {what}, got {shown!r}")

        if kind in ("name", "text") or (kind == "optional name" and value is not None):
            if not isinstance(value, str):
                raise bad()
        elif kind == "flag":
            if not isinstance(value, bool):
                raise bad()
        elif kind == "number":
            if value is None and (cls.__name__, name) in _MAY_BE_UNDEFINED:
                out.append(None)
                continue
            value = _number(value)
            if value is None:
                raise bad()
        elif kind in ("names", "numbers"):
            if not isinstance(value, (list, tuple)):
                raise bad()
            items = list(value)
            for k, item in enumerate(items):
                if kind == "names" and not isinstance(item, str):
                    raise bad(item, f"{name}[{k}]", "a name (str)")
                if kind == "numbers":
                    items[k] = _number(item)
                    if items[k] is None:
                        raise bad(item, f"{name}[{k}]", "a finite number")
            value = tuple(items)
        out.append(value)
    group = _SAME_LENGTH.get(cls.__name__)
    if group:
        lengths = [len(out[cls._fields.index(name)]) for name in group]
        if len(set(lengths)) > 1:
            raise InputError(f"{cls.__name__}: {', '.join(group[:-1])} and {group[-1]} must "
                             f"have the same length, got {', '.join(map(str, lengths[:-1]))} "
                             f"and {lengths[-1]}")
    return out


def event_record(cls):
    """Make the class body of an event (annotated fields, defaults, methods) a tuple record.

    Like :func:`collections.namedtuple`: every annotated field (``ClassVar`` ones excepted)
    becomes a read-only attribute reading one item of the tuple, ``_fields`` lists them in
    order, ``_field_defaults`` holds the defaults, and ``cls._make(values)`` (``values``: a tuple
    of every field, in order) builds an event without checking it. ``_make`` is
    ``tuple.__new__`` bound to the class, all in C: a recorded step of a 64-32-10 network
    makes some 7,700 events, and a frozen dataclass's builder took about twice as long.
    """
    # inspect.get_annotations, not cls.__dict__["__annotations__"]: from Python 3.14 on the
    # annotations are evaluated lazily (PEP 649/749) and the class dict no longer holds them.
    annotations = get_annotations(cls)
    names = tuple(n for n, t in annotations.items() if get_origin(t) is not ClassVar)
    namespace = {k: v for k, v in cls.__dict__.items() if k not in ("__dict__", "__weakref__")}
    namespace["_field_defaults"] = {n: namespace.pop(n) for n in names if n in namespace}
    namespace.update(__slots__=(), _fields=names,
                     _spec=tuple((n, _kind_of(n, annotations[n])) for n in names))
    for k, n in enumerate(names):
        namespace[n] = property(itemgetter(k), doc=f"Field {k} of the event ({n}).")
    record = type(cls.__name__, cls.__bases__, namespace)
    record._make = partial(tuple.__new__, record)
    return record
