import pickle

import pytest

import reconcile as rc
from reconcile import errors

ALL_ERRORS = [getattr(errors, name) for name in errors.__all__]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_every_error_is_a_reconcile_error(error: type[Exception]) -> None:
    assert issubclass(error, rc.ReconcileError)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (rc.RangeError, ValueError),
        (rc.UnitError, ValueError),
        (rc.CountsMismatchError, ValueError),
        (rc.ScopeMismatchError, ValueError),
        (rc.ParseError, ValueError),
        (rc.ArgumentError, ValueError),
        (rc.DivisionByRangeError, ZeroDivisionError),
    ],
)
def test_errors_refine_the_builtin_they_mean(error: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(error, builtin)


def test_errors_survive_pickling_with_their_fields() -> None:
    with pytest.raises(rc.RangeError) as caught:
        rc.Figure(value=1, low=5, high=9)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is rc.RangeError
    assert (copy.low, copy.value, copy.high) == (5.0, 1.0, 9.0)
    assert str(copy) == str(caught.value)
    assert copy.hint == caught.value.hint
    parse = rc.ParseError("cannot read 'many'", hint="give a number", text="many", position=0)
    assert pickle.loads(pickle.dumps(parse)).text == "many"


def test_message_ends_with_the_hint() -> None:
    with pytest.raises(rc.CountsMismatchError) as caught:
        rc.Figure.exact(1, counts="troops/us") + rc.Figure.exact(1, counts="residents")
    assert str(caught.value).endswith(caught.value.hint)
    assert "'residents'" in str(caught.value) and "'troops/us'" in str(caught.value)
