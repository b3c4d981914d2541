import gc

import pytest

from kapittx import cycle_collector


@pytest.fixture
def collecting():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_off_inside_and_back_on_after(collecting):
    with cycle_collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_it_comes_back_on_when_the_work_fails(collecting):
    with pytest.raises(ValueError), cycle_collector.paused():
        raise ValueError("bad row")
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_it_off_until_the_outer_one_ends(collecting):
    with cycle_collector.paused():
        with cycle_collector.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_work_decorated_with_it_runs_without_the_collector(collecting):
    @cycle_collector.paused()
    def work():
        return gc.isenabled()

    assert work() is False
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off():
    was = gc.isenabled()
    gc.disable()
    try:
        with cycle_collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()
