"""An import's progress reaches the page at each new stage, and within a stage at least at
each tenth of the way, however fast the stage runs."""

from integrations.importers.progress import Reporter, forget, latest


def test_a_fast_stage_still_shows_each_tenth_of_the_way():
    job_id = 987654321
    tell = Reporter(job_id)
    try:
        tell("checking", 0, 100)
        tell("checking", 5, 100)  # less than a tenth further, moments later: not told
        assert latest(job_id) == {"stage": "checking", "done": 0, "total": 100}
        tell("checking", 10, 100)
        assert latest(job_id)["done"] == 10
        tell("writing invoices", 0, 100)  # a new stage is always told
        assert latest(job_id) == {"stage": "writing invoices", "done": 0, "total": 100}
        tell("writing invoices", 100, 100)  # and so is the end of one
        assert latest(job_id)["done"] == 100
    finally:
        forget(job_id)
