#!/usr/bin/env python3
"""An idealized parallel bisection of a flaky crash in wall time, to compare `culprit simulate
--vms` against at p < 1 (scripts/wall-time-model.py does p = 1).

A line of N commits (0 good, N - 1 bad, built first), the culprit uniform in 1..N-1, the crash
rate p KNOWN (bayes must estimate it), no accidents. A posterior over the culprit. Builds take B
minutes on M builders: every free builder builds the posterior median of the largest posterior
mass between built or building commits. Runs take T on V VMs: every free VM runs the built
commit whose next run adds most information about the culprit (each commit on its own, runs in
flight counted), with no threshold: no VM stays idle. It stops when one culprit holds `target`
of the posterior and it and its parent have runs. No p to estimate, no profile-odds rule, no
DAG: a yardstick of what the round structure allows, not a bound.

Usage: scripts/wall-time-model-flaky.py [--n 1024] [--p 0.5] [--builders 4] [--vms 10]
                                        [--trials 200] [--build 6.6] [--run 7.5]
"""
import argparse
import heapq
import math
import random


def entropy(x):
    return 0.0 if x <= 0 or x >= 1 else -(x * math.log2(x) + (1 - x) * math.log2(1 - x))


def bisect(n, p, vms, builders, b, t, target, seed):
    rnd = random.Random(seed)
    culprit = rnd.randint(1, n - 1)
    dead = -1e300
    logw = [dead] + [0.0] * (n - 1)  # log weight of "culprit = i"
    built, building, tested = set(), {n - 1}, set()
    pending = {}  # commit -> runs in flight
    events = [(b, "build", n - 1)]
    free_builders, free_vms = builders - 1, vms
    runs, builds = 0, 1
    now = 0.0

    def cdf():
        top = max(logw)
        w = [math.exp(x - top) if x > dead else 0.0 for x in logw]
        total = sum(w)
        w = [x / total for x in w]
        cum, acc = [], 0.0
        for x in w:
            acc += x
            cum.append(acc)
        return cum, w

    while True:
        cum, w = cdf()
        top = max(range(n), key=lambda i: w[i])
        if w[top] >= target and top in tested and top - 1 in tested:
            return now, runs, builds
        while free_vms > 0:  # P(commit x crashes) = P(culprit <= x) = cum[x]
            best, pick = 0.0, None
            for x in built:
                u, k = cum[x], pending.get(x, 0)
                q0, q1 = 1 - (1 - p) ** k, 1 - (1 - p) ** (k + 1)
                gain = (entropy(u * q1) - u * entropy(q1)) - (entropy(u * q0) - u * entropy(q0))
                if gain > best:
                    best, pick = gain, x
            if pick is None:
                break
            pending[pick] = pending.get(pick, 0) + 1
            free_vms -= 1
            runs += 1
            crash = pick >= culprit and rnd.random() < p
            heapq.heappush(events, (now + t, "run", (pick, crash)))
        while free_builders > 0:
            points = sorted(built | building | {0})
            best, pick = 1e-3, None
            for lo, hi in zip(points, points[1:]):
                mass = cum[hi] - cum[lo]  # culprit in (lo, hi]
                if hi - lo >= 2 and mass > best:
                    half, a, z = cum[lo] + mass / 2, lo + 1, hi - 1
                    while a < z:
                        mid = (a + z) // 2
                        a, z = (mid + 1, z) if cum[mid] < half else (a, mid)
                    best, pick = mass, a
            if pick is None:
                break
            building.add(pick)
            free_builders -= 1
            builds += 1
            heapq.heappush(events, (now + b, "build", pick))
        if not events:
            return now, runs, builds
        now = events[0][0]
        while events and events[0][0] <= now + 1e-9:
            _, kind, what = heapq.heappop(events)
            if kind == "build":
                building.discard(what)
                built.add(what)
                free_builders += 1
                continue
            x, crash = what
            free_vms += 1
            pending[x] -= 1
            tested.add(x)
            for i in range(1, n):
                if logw[i] <= dead:
                    continue
                if x >= i:
                    logw[i] += math.log(p) if crash else math.log(1 - p)
                elif crash:
                    logw[i] = dead


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--p", type=float, default=0.5)
    ap.add_argument("--builders", type=int, default=4)
    ap.add_argument("--vms", type=int, default=10)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--build", type=float, default=6.6)
    ap.add_argument("--run", type=float, default=7.5)
    ap.add_argument("--target", type=float, default=0.99)
    a = ap.parse_args()
    wall = runs = builds = 0.0
    for s in range(a.trials):
        w, r, k = bisect(a.n, a.p, a.vms, a.builders, a.build, a.run, a.target, s)
        wall, runs, builds = wall + w, runs + r, builds + k
    k = a.trials
    print(f"N={a.n} p={a.p} V={a.vms} M={a.builders} B={a.build} T={a.run}: "
          f"wall {wall / k:.1f} min, runs {runs / k:.1f}, builds {builds / k:.1f}")


if __name__ == "__main__":
    main()
