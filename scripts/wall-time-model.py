#!/usr/bin/env python3
"""An idealized bisection in wall time, to compare `culprit simulate --vms` against.

A line of N commits (0 good, N bad), a culprit uniform in 1..N, p = 1 and known (one run
decides a commit, no confirmation). Builds take B minutes on M builders, a run takes T on
idle VMs. Policy: the bad commit first; then every free builder probes the midpoint of the
largest gap left between known ends and the probes in flight (or the point SPLIT of the way
into it), unless a result is due within WAIT minutes (then it waits for it). It needs no crash-rate estimate and no confirmation,
which culprit's bayes must do, so it shows what the round structure alone costs.

Usage: scripts/wall-time-model.py [--n 1024] [--trials 400] [--build 6.6] [--run 7.5]
Prints each builder count with and without waiting, splitting gaps in the middle and at 0.4:
with builds pipelined, a probe whose answer comes while the next is already building serves
one side of it, so uneven splits pay (with one builder the bound's Fibonacci growth splits at
0.38; docs/LOWER-BOUND.md).
"""
import argparse
import random


def bisect(n, builders, culprit, wait, b, t, split):
    lo, hi = 0, n  # lo is known good; hi crashes (the bad end is confirmed once its run is in)
    pending = {n: b + t}  # commit -> time its answer arrives
    free_at = [b] + [0.0] * (builders - 1)
    bad_known = False
    now = 0.0
    while True:
        for x, at in list(pending.items()):
            if at <= now + 1e-9:
                del pending[x]
                if x == n:
                    bad_known = True
                elif x >= culprit:
                    hi = min(hi, x)
                else:
                    lo = max(lo, x)
        if bad_known and hi - lo == 1:
            return now
        for x in list(pending):
            if x != n and not lo < x < hi:
                del pending[x]  # decided meanwhile: cancelled
        for k in range(builders):
            if free_at[k] > now + 1e-9:
                continue
            points = sorted([lo, hi] + [x for x in pending if lo < x < hi])
            size, a, c = max((points[i + 1] - points[i], points[i], points[i + 1])
                             for i in range(len(points) - 1))
            if size <= 1:
                break
            due = min(pending.values(), default=float("inf"))
            if now < due < now + wait:
                break
            pending[a + max(1, min(size - 1, round(split * size)))] = now + b + t
            free_at[k] = now + b
        now = min([x for x in list(pending.values()) + free_at if x > now + 1e-9])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--trials", type=int, default=400)
    ap.add_argument("--build", type=float, default=6.6)
    ap.add_argument("--run", type=float, default=7.5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print("builders  wait-min  split  mean-wall-min")
    for builders in (1, 4):
        for wait in (0.0, 0.25 * args.build):
            for split in (0.5, 0.4):
                rng = random.Random(args.seed)
                total = sum(bisect(args.n, builders, rng.randint(1, args.n), wait, args.build,
                                   args.run, split) for _ in range(args.trials))
                print(f"{builders:8d}  {wait:8.2f}  {split:5.2f}  {total / args.trials:13.1f}")


if __name__ == "__main__":
    main()
