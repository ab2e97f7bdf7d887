"""Keep a seeded random sample of a cosmic-ray session's mutants; mark the others skipped.

A full run of ``tests/mutation/cosmic-ray.toml`` (about 700 mutants) takes over an hour when
eight test suites share two cores. A uniform random sample, drawn with a fixed seed from the
mutants in a fixed order (file, operator, occurrence), gives an unbiased estimate of the score
in the time there is; the mutants left out are marked "skipped" with the reason, so that
``cr-report`` counts them apart. Run after ``cr-filter-operators`` and before ``cosmic-ray exec``::

    python tests/mutation/sample.py session.sqlite --keep 250 --seed 12

(docs/topics/mutation.rst). Without ``--keep`` nothing is skipped: the full run. The module
imports cosmic-ray (the ``mutation`` extra) only when run.
"""

import argparse
import random
import sys


def _order(item):
    m = item.mutations[0]
    return (str(m.module_path), m.operator_name, m.occurrence)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("session", help="the session database of cosmic-ray init")
    parser.add_argument("--keep", type=int, help="how many pending mutants to run")
    parser.add_argument("--seed", type=int, default=12, help="the sample's seed (default 12)")
    args = parser.parse_args(argv)
    # imported here: the test suite's doctest collection imports this file without the extra
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(args.session, WorkDB.Mode.open) as db:
        pending = sorted(db.pending_work_items, key=_order)
        if args.keep is None or args.keep >= len(pending):
            print(f"{len(pending)} mutants, all kept")
            return 0
        kept = set(random.Random(args.seed).sample(range(len(pending)), args.keep))
        for i, item in enumerate(pending):
            if i not in kept:
                db.set_result(item.job_id, WorkResult(
                    output=f"not in this run's sample ({args.keep} of {len(pending)}, "
                           f"seed {args.seed})", worker_outcome=WorkerOutcome.SKIPPED))
    print(f"{len(pending)} mutants, a sample of {args.keep} kept (seed {args.seed})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
