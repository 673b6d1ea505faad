#!/usr/bin/env python3
"""The least mean wall time any bisection can take on a line of commits (docs/LOWER-BOUND.md).

A line of N commits, the culprit uniform among the N - 1 above the good end, p = 1 (any p < 1
is no faster: a strategy for p < 1 run on a p = 1 world that hides each crash with chance 1 - p
sees what it would see at p). Builds take B minutes, at most M at once; a run takes T on any
number of VMs, so a probe's answer comes D = B + T after its build starts at the earliest.

L(t), the number of culprits a strategy can tell apart t minutes after its first build starts,
obeys L(t) = 1 for t < D and L(t) <= L(t - B) + M * L(t - D) (proof in docs/LOWER-BOUND.md).
A strategy right on a share `right` of the culprits stops on the k-th of them no earlier than
the first t with L(t) >= k; the mean of those times over all culprits is the bound printed.
It holds for strategies that never build the bad commit; `+bad` adds B for one that builds it
first with a single builder (with several, the bad build takes one of the first slots, which
the bound does not charge).

Usage: scripts/wall-time-bound.py [--n 1024] [--build 6.6] [--run 7.5] [--builders 1,4]
                                  [--right 0.99] [--syzbot 163.4]
"""
import argparse


def least_mean(n, builders, b, t, right, step=0.01):
    d = b + t
    ib, id_ = round(b / step), round(d / step)
    culprits = n - 1
    need = int(right * culprits)
    f = []
    taus = []
    k = 1
    i = 0
    while k <= need:
        f.append(1 if i < id_ else f[i - ib] + builders * f[i - id_])
        while k <= need and f[i] >= k:
            taus.append(i * step)
            k += 1
        i += 1
    first_all = None
    j = i - 1
    while f[j] < n:
        j += 1
        f.append(1 if j < id_ else f[j - ib] + builders * f[j - id_])
    first_all = j * step
    return sum(taus) / culprits, first_all


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1024)
    ap.add_argument("--build", type=float, default=6.6)
    ap.add_argument("--run", type=float, default=7.5)
    ap.add_argument("--builders", default="1,4")
    ap.add_argument("--right", type=float, default=0.99)
    ap.add_argument("--syzbot", type=float, default=163.4,
                    help="syzbot's mean wall minutes, for the ratio (culprit simulate --vms 10)")
    a = ap.parse_args()
    print(f"line of {a.n} commits, B = {a.build}, T = {a.run}, right on {a.right:.0%}")
    print("builders  mean>=min  (x syzbot)  +bad (x syzbot)  all told apart at")
    for m in (int(x) for x in a.builders.split(",")):
        mean, first_all = least_mean(a.n, m, a.build, a.run, a.right)
        bad = mean + a.build if m == 1 else mean
        print(f"{m:8d}  {mean:9.1f}  ({mean / a.syzbot:.3f})     {bad:6.1f} ({bad / a.syzbot:.3f})"
              f"   {first_all:.1f} min")


if __name__ == "__main__":
    main()
