#!/usr/bin/env python3
"""Reference values for @medsweep/core's metrics and statistics, from scikit-learn, scipy and statsmodels.

Usage (from the repository root, with the project venv):
    ~/.cache/medsweep/venv/bin/python packages/core/scripts/make-reference-fixtures.py [OUT.json]
    npx prettier --ignore-path /dev/null --write packages/core/tests/fixtures/reference-metrics.json
OUT defaults to packages/core/tests/fixtures/reference-metrics.json. Needs numpy, scikit-learn, scipy and
statsmodels. The vitest suite also runs this script into a temporary file and compares the result with the
committed fixture whenever that venv has the packages, so an edited script cannot drift silently.

The Student t, seed-interval and Holm references are scipy's and statsmodels' own functions (t.ppf,
t.interval, ttest_rel, ttest_ind, multipletests); the two-level intervals have no library, so they are
written out below with numpy from Sun & Xu's midrank DeLong covariance and scipy's t quantile.

Inputs are drawn from a Python port of src/random.ts (xoshiro128** seeded by SplitMix64), not from numpy,
so they never change with numpy's generators, and the bootstrap references replay exactly the resamples
the TypeScript code draws for the same seed. Every reference value comes from a library function, except
three that no library offers: DeLong's test (fast DeLong of Sun & Xu 2014, written out below with numpy),
the paired-bootstrap AUC difference (resamples replayed here, each AUC as the Mann-Whitney U from
scipy's midranks) and the two-sample bootstrap of a difference of means (resamples replayed here; scipy's
own bootstrap on its own generator is stored beside it for a Monte Carlo comparison).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import optimize, special, stats
from scipy.stats._resampling import _bca_interval
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    multilabel_confusion_matrix,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reference-metrics.json"

# ---------------------------------------------------------------------------------------------------------
# Port of src/random.ts


M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def splitmix64_output(state):
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    def __init__(self, seed):
        first = splitmix64_output((seed + GOLDEN_GAMMA) & M64)
        second = splitmix64_output((seed + 2 * GOLDEN_GAMMA) & M64)
        self.s = [first & M32, first >> 32, second & M32, second >> 32]

    def next_uint32(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def next_float(self):
        high = self.next_uint32() >> 5
        low = self.next_uint32() >> 6
        return (high * 67108864 + low) / 9007199254740992

    def next_int(self, bound):
        limit = 2**32 - (2**32 % bound)
        while True:
            r = self.next_uint32()
            if r < limit:
                return r % bound

    # Input generation only (not in random.ts): Box-Muller from two uniforms.
    def normal(self):
        u1 = 1.0 - self.next_float()
        u2 = self.next_float()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


# ---------------------------------------------------------------------------------------------------------
# Inputs


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def binary_split(seed, n, prevalence, decimals, separation_a=1.5, separation_b=1.1, shift=0.8):
    """Labels plus two correlated models' positive-class probabilities, rounded (rounding makes ties)."""
    rng = Rng(seed)
    y, pa, pb = [], [], []
    for _ in range(n):
        label = 1 if rng.next_float() < prevalence else 0
        shared = rng.normal()
        y.append(label)
        pa.append(round(sigmoid(separation_a * label + shared + 0.6 * rng.normal() - shift), decimals))
        pb.append(round(sigmoid(separation_b * label + shared + 0.6 * rng.normal() - shift), decimals))
    return y, pa, pb


def two_columns(p):
    return [[round(1.0 - v, 12), v] for v in p]


def multi_class_split(seed, n, k, decimals):
    """Labels plus two correlated models' softmax probabilities over k classes."""
    rng = Rng(seed)
    y, sa, sb = [], [], []
    for _ in range(n):
        label = rng.next_int(k)
        y.append(label)
        shared = [rng.normal() for _ in range(k)]
        for out, strength in ((sa, 1.4), (sb, 1.0)):
            logits = [strength * (c == label) + shared[c] + 0.7 * rng.normal() for c in range(k)]
            top = max(logits)
            exps = [math.exp(v - top) for v in logits]
            total = sum(exps)
            out.append([round(e / total, decimals) for e in exps])
    return y, sa, sb


def multi_label_split(seed, n, rates, decimals):
    rng = Rng(seed)
    y, s = [], []
    for _ in range(n):
        labels = [1 if rng.next_float() < r else 0 for r in rates]
        y.append(labels)
        s.append([round(sigmoid(1.6 * v + rng.normal() - 0.7), decimals) for v in labels])
    return y, s


# ---------------------------------------------------------------------------------------------------------
# Classification metrics (MedMNIST's getAUC/getACC semantics, written with sklearn)


def finite(values):
    """JSON has no Infinity: ROC's leading +inf threshold is stored as null."""
    return [None if math.isinf(v) else float(v) for v in values]


def decisions(task, y, scores):
    """Per-column binary problems (label vector, score vector) and the benchmark predictions."""
    s = np.asarray(scores, dtype=np.float64)
    if task == "binary-class":
        positive = s[:, -1]
        return [(np.asarray(y), positive)], (positive > 0.5).astype(int)
    if task in ("multi-class", "ordinal-regression"):
        yy = np.asarray(y)
        return [((yy == c).astype(int), s[:, c]) for c in range(s.shape[1])], np.argmax(s, axis=1)
    yy = np.asarray(y)
    return [(yy[:, c], s[:, c]) for c in range(s.shape[1])], (s > 0.5).astype(int)


def calibration_reference(outcome, confidence, bins):
    prob_true, prob_pred = calibration_curve(outcome, confidence, n_bins=bins, strategy="uniform")
    edges = np.linspace(0.0, 1.0, bins + 1)
    counts = np.bincount(np.searchsorted(edges[1:-1], confidence), minlength=bins)
    nonempty = counts > 0
    mean_conf = [None] * bins
    observed = [None] * bins
    for b, pt, pp in zip(np.flatnonzero(nonempty), prob_true, prob_pred):
        mean_conf[b] = float(pp)
        observed[b] = float(pt)
    ece = float(np.sum(counts[nonempty] * np.abs(prob_true - prob_pred)) / len(confidence))
    return {"bins": bins, "ece": ece, "counts": counts.tolist(), "meanConfidence": mean_conf, "observed": observed}


def dataset(task, y, scores_a, scores_b=None):
    """A named input: ground truth (flattened row-major for multi-label) and flat row-major scores."""
    a = np.asarray(scores_a, dtype=np.float64)
    entry = {"task": task, "yTrue": np.asarray(y).ravel().tolist(), "numColumns": a.shape[1],
             "yScoreA": a.ravel().tolist()}
    if scores_b is not None:
        entry["yScoreB"] = np.asarray(scores_b, dtype=np.float64).ravel().tolist()
    return entry


def classification_case(name, task, y, scores):
    problems, predicted = decisions(task, y, scores)
    s = np.asarray(scores, dtype=np.float64)
    expected = {
        "auc": float(np.mean([roc_auc_score(t, p) for t, p in problems])),
        "rocDropped": [
            {"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": finite(thr)}
            for fpr, tpr, thr in (roc_curve(t, p, drop_intermediate=True) for t, p in problems)
        ],
    }
    if task == "binary-class":  # every threshold; multi-column tasks reuse the same per-problem code
        fpr, tpr, thr = roc_curve(*problems[0], drop_intermediate=False)
        expected["roc"] = [{"fpr": fpr.tolist(), "tpr": tpr.tolist(), "thresholds": finite(thr)}]
    yy = np.asarray(y)
    if task == "multi-label, binary-class":
        expected["accuracy"] = float(np.mean([accuracy_score(yy[:, c], predicted[:, c]) for c in range(s.shape[1])]))
        averages = {"macro": {"average": "macro"}}
        mcm = multilabel_confusion_matrix(yy, predicted)
        outcome, confidence = yy.ravel(), s.ravel()
    else:
        expected["accuracy"] = float(accuracy_score(yy, predicted))
        k = 2 if task == "binary-class" else s.shape[1]
        labels = list(range(k))
        averages = {"macro": {"average": "macro", "labels": labels}}
        if task == "binary-class":
            averages["binary"] = {"average": "binary"}
        expected["confusionMatrix"] = confusion_matrix(yy, predicted, labels=labels).tolist()
        mcm = multilabel_confusion_matrix(yy, predicted, labels=labels)
        if task == "binary-class":
            outcome, confidence = yy, s[:, -1]
        else:
            outcome, confidence = (predicted == yy).astype(int), s[np.arange(len(yy)), predicted]
    tn, fp = mcm[:, 0, 0], mcm[:, 0, 1]
    per_class_specificity = np.where(tn + fp > 0, tn / np.maximum(tn + fp, 1), 0.0)
    for average, kwargs in averages.items():
        expected[average] = {
            "precision": float(precision_score(yy, predicted, zero_division=0, **kwargs)),
            "recall": float(recall_score(yy, predicted, zero_division=0, **kwargs)),
            "f1": float(f1_score(yy, predicted, zero_division=0, **kwargs)),
            "specificity": float(
                per_class_specificity[1] if average == "binary" else np.mean(per_class_specificity)
            ),
        }
    if s.min() >= 0 and s.max() <= 1:
        expected["calibration"] = [calibration_reference(outcome, confidence, b) for b in (10, 15)]
    return {"dataset": name, "expected": expected}


def operating_point_case(validation, test, y_val, p_val, y_test, p_test, target):
    fpr, tpr, thr = roc_curve(y_val, p_val, drop_intermediate=False)
    chosen = {"youden": int(np.argmax(tpr - fpr)), "target": int(np.argmax(tpr >= target))}
    points = {}
    for rule, k in chosen.items():
        threshold = float(thr[k])
        predicted = (np.asarray(p_test) >= threshold).astype(int)
        points[rule] = {
            "threshold": None if math.isinf(threshold) else threshold,
            "validation": {"sensitivity": float(tpr[k]), "specificity": float(1 - fpr[k])},
            "test": {
                "sensitivity": float(recall_score(y_test, predicted, pos_label=1)),
                "specificity": float(recall_score(y_test, predicted, pos_label=0)),
            },
        }
    return {"validation": validation, "test": test, "targetSensitivity": target, "expected": points}


# ---------------------------------------------------------------------------------------------------------
# Statistics


def mcnemar_case(b, c):
    table = [[50, b], [c, 50]]
    exact = mcnemar(table, exact=True)
    case = {"b": b, "c": c, "exact": {"statistic": float(exact.statistic), "pValue": float(exact.pvalue)}}
    if b + c > 0:
        chi = mcnemar(table, exact=False, correction=True)
        case["chiSquare"] = {"statistic": float(chi.statistic), "pValue": float(chi.pvalue)}
    return case


def mcnemar_models_case(name, task, y, scores_a, scores_b):
    """McNemar of models A and B of a dataset, predictions by the benchmark rule."""
    _, pred_a = decisions(task, y, scores_a)
    _, pred_b = decisions(task, y, scores_b)
    yy = np.asarray(y)
    b = int(np.sum((pred_a == yy) & (pred_b != yy)))
    c = int(np.sum((pred_a != yy) & (pred_b == yy)))
    return {"dataset": name, "expected": mcnemar_case(b, c)}


def compute_midrank(x):
    """Midranks (1-based, ties averaged) of x, as in Sun & Xu's fast DeLong."""
    order = np.argsort(x, kind="mergesort")
    z = x[order]
    n = len(x)
    t = np.zeros(n, dtype=np.float64)
    i = 0
    while i < n:
        j = i
        while j < n and z[j] == z[i]:
            j += 1
        t[i:j] = 0.5 * (i + j - 1) + 1
        i = j
    ranks = np.empty(n, dtype=np.float64)
    ranks[order] = t
    return ranks


def fast_delong(predictions_sorted_transposed, m):
    """Sun & Xu (2014): AUCs and their covariance from midranks, as its positives' and negatives' parts
    (the covariance is their sum); rows are models, positives first."""
    n = predictions_sorted_transposed.shape[1] - m
    positive = predictions_sorted_transposed[:, :m]
    negative = predictions_sorted_transposed[:, m:]
    k = predictions_sorted_transposed.shape[0]
    tx = np.array([compute_midrank(positive[r]) for r in range(k)])
    ty = np.array([compute_midrank(negative[r]) for r in range(k)])
    tz = np.array([compute_midrank(predictions_sorted_transposed[r]) for r in range(k)])
    aucs = tz[:, :m].sum(axis=1) / m / n - (m + 1.0) / 2.0 / n
    v01 = (tz[:, :m] - tx) / n
    v10 = 1.0 - (tz[:, m:] - ty) / m
    sx = np.cov(v01)
    sy = np.cov(v10)
    return aucs, sx / m, sy / n


def delong_case(name, y, pa, pb):
    """DeLong of models A and B of a binary dataset, from their positive-class probabilities."""
    yy = np.asarray(y)
    order = np.argsort(-yy, kind="mergesort")
    m = int(yy.sum())
    preds = np.vstack([np.asarray(pa, dtype=np.float64), np.asarray(pb, dtype=np.float64)])[:, order]
    aucs, cov_positives, cov_negatives = fast_delong(preds, m)
    cov = cov_positives + cov_negatives
    contrast = np.array([1.0, -1.0])
    variance = float(contrast @ cov @ contrast)
    difference = float(aucs[0] - aucs[1])
    z = difference / math.sqrt(variance)
    return {"dataset": name,
            "expected": {"aucA": float(aucs[0]), "aucB": float(aucs[1]), "difference": difference,
                         "variance": variance, "z": z, "pValue": float(2 * stats.norm.sf(abs(z)))}}


def lerp_quantiles(sorted_values, levels):
    return [float(v) for v in stats.quantile(np.asarray(sorted_values), np.asarray(levels))]


def sequential_mean(x, axis=-1):
    """Mean summed in index order, as src/stats/summary.ts meanOf (BCa compares replicates to it)."""
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    total = np.zeros(x.shape[:-1])
    for j in range(x.shape[-1]):
        total = total + x[..., j]
    return total / x.shape[-1]


def bootstrap_means(values, resamples, seed):
    rng = Rng(seed)
    n = len(values)
    means = []
    for _ in range(resamples):
        counts = [0] * n
        for _ in range(n):
            counts[rng.next_int(n)] += 1
        total = 0.0
        for i in range(n):
            if counts[i] != 0:
                total += counts[i] * values[i]
        means.append(total / n)
    return np.asarray(means)


def bootstrap_mean_case(values, seed, resamples, confidence):
    replicates = bootstrap_means(values, resamples, seed)
    alpha = (1 - confidence) / 2
    data = np.asarray(values, dtype=np.float64)
    low_level, high_level, _ = _bca_interval((data,), sequential_mean, axis=-1, alpha=alpha,
                                             theta_hat_b=replicates, batch=None, xp=np)
    percentile = lerp_quantiles(replicates, [alpha, 1 - alpha])
    bca = lerp_quantiles(replicates, [float(low_level), float(high_level)])
    scipy_public = {}
    for method in ("percentile", "BCa"):
        res = stats.bootstrap((data,), np.mean, n_resamples=20000, method=method, confidence_level=confidence,
                              rng=np.random.default_rng(seed))
        scipy_public[method.lower()] = [float(res.confidence_interval.low), float(res.confidence_interval.high)]
    return {"values": values, "seed": seed, "resamples": resamples, "confidence": confidence,
            "expected": {"mean": float(np.mean(data)), "std": float(np.std(data, ddof=1)),
                         "percentile": percentile, "bca": bca, "scipyPublic20000": scipy_public}}


def bootstrap_mean_difference_case(a, b, seed, resamples, confidence):
    """Two-sample bootstrap of mean(a) - mean(b): per resample, a's draws then b's, from one stream."""
    rng = Rng(seed)

    def resampled_mean(values):
        n = len(values)
        counts = [0] * n
        for _ in range(n):
            counts[rng.next_int(n)] += 1
        total = 0.0
        for i in range(n):
            if counts[i] != 0:
                total += counts[i] * values[i]
        return total / n

    replicates = []
    for _ in range(resamples):
        resampled_a = resampled_mean(a)
        replicates.append(resampled_a - resampled_mean(b))
    alpha = (1 - confidence) / 2
    lower, upper = lerp_quantiles(np.sort(np.asarray(replicates)), [alpha, 1 - alpha])
    res = stats.bootstrap((np.asarray(a), np.asarray(b)),
                          lambda x, y, axis=-1: np.mean(x, axis=axis) - np.mean(y, axis=axis),
                          paired=False, vectorized=True, n_resamples=20000, method="percentile",
                          confidence_level=confidence, rng=np.random.default_rng(seed))
    return {"a": a, "b": b, "seed": seed, "resamples": resamples, "confidence": confidence,
            "expected": {"meanA": float(np.mean(a)), "meanB": float(np.mean(b)),
                         "percentile": [lower, upper],
                         "scipyPublic20000": [float(res.confidence_interval.low),
                                              float(res.confidence_interval.high)]}}


def paired_bootstrap_case(name, task, y, scores_a, scores_b, seed, resamples, confidence):
    problems_a, _ = decisions(task, y, scores_a)
    problems_b, _ = decisions(task, y, scores_b)
    yy = np.asarray(y)
    k = 2 if task == "binary-class" else len(problems_a)
    strata = [np.flatnonzero(yy == c) for c in range(k)]
    rng = Rng(seed)

    def weighted_auc(problems, multiplicity):
        total = 0.0
        for truth, score in problems:
            positives = np.repeat(score[truth == 1], multiplicity[truth == 1])
            negatives = np.repeat(score[truth == 0], multiplicity[truth == 0])
            ranks = stats.rankdata(np.concatenate([positives, negatives]))  # midranks: exact halves
            u = ranks[: len(positives)].sum() - len(positives) * (len(positives) + 1) / 2
            total += u / (len(positives) * len(negatives))
        return total / len(problems)

    differences = []
    for _ in range(resamples):
        multiplicity = np.zeros(len(yy), dtype=np.int64)
        for stratum in strata:
            for _ in range(len(stratum)):
                multiplicity[stratum[rng.next_int(len(stratum))]] += 1
        differences.append(weighted_auc(problems_a, multiplicity) - weighted_auc(problems_b, multiplicity))
    d = np.asarray(differences)
    alpha = (1 - confidence) / 2
    auc_a = float(np.mean([roc_auc_score(t, p) for t, p in problems_a]))
    auc_b = float(np.mean([roc_auc_score(t, p) for t, p in problems_b]))
    lower, upper = lerp_quantiles(np.sort(d), [alpha, 1 - alpha])
    p_value = min(1.0, 2 * (1 + min(int(np.sum(d <= 0)), int(np.sum(d >= 0)))) / (resamples + 1))
    return {"dataset": name, "seed": seed, "resamples": resamples, "confidence": confidence,
            "expected": {"aucA": auc_a, "aucB": auc_b, "difference": auc_a - auc_b, "lower": lower,
                         "upper": upper, "standardError": float(np.std(d, ddof=1)), "pValue": p_value}}


# ---------------------------------------------------------------------------------------------------------
# Student t, intervals over seeds, two-level intervals, Holm


def student_t_reference():
    ps = [1e-10, 0.001, 0.025, 0.05, 0.3, 0.7, 0.95, 0.975, 0.995, 0.9995]
    dfs = [0.5, 1, 1.5, 2, 2.7, 4, 9, 29, 117.3, 1000, 19900, 20000, 1e5, 1e7, 1e9]
    ts = [-8.0, -3.0, -1.0, 0.0, 0.5, 1.96, 5.0]
    return {
        "quantile": [[p, df, float(stats.t.ppf(p, df))] for df in dfs for p in ps],
        "cdf": [[t, df, float(stats.t.cdf(t, df))] for df in dfs for t in ts + ([-30.0] if df < 2e4 else [])],
        "logGamma": [[z, float(special.gammaln(z))] for z in (1e-3, 0.5, 1.5, 2.5, 9.99, 10.0, 17.5, 1e3, 1e7)],
        "logBeta": [[a, b, float(special.betaln(a, b))]
                    for a, b in ((0.5, 0.5), (3.0, 0.5), (0.1, 20.0), (12.0, 15.0), (1e4, 2e4), (5e6, 0.5))],
        "incompleteBeta": [[x, a, b, float(special.betainc(a, b, x))]
                           for x, a, b in ((0.3, 2.0, 3.0), (0.9, 0.5, 0.5), (0.999, 500.0, 0.5), (0.05, 1.5, 40.0),
                                           (0.5, 10.0, 10.0), (0.7, 0.5, 7.0))],
    }


def seed_mean_case(values, confidence):
    data = np.asarray(values, dtype=np.float64)
    lower, upper = stats.t.interval(confidence, len(data) - 1, loc=np.mean(data), scale=stats.sem(data))
    return {"values": values, "confidence": confidence,
            "expected": {"estimate": float(np.mean(data)), "lower": float(lower), "upper": float(upper),
                         "standardError": float(stats.sem(data)), "df": len(data) - 1}}


def gain_case(pretrained, scratch, confidence):
    """pretrained/scratch: [[seed, value], ...]; paired by seed when the seed sets match, else Welch."""
    seeds_a = [seed for seed, _ in pretrained]
    seeds_b = [seed for seed, _ in scratch]
    by_seed = dict(scratch)
    a = np.asarray([v for _, v in pretrained])
    if sorted(seeds_a) == sorted(seeds_b):
        b = np.asarray([by_seed[seed] for seed in seeds_a])
        res, method = stats.ttest_rel(a, b), "paired-t"
        estimate = float(np.mean(a - b))
    else:
        b = np.asarray([v for _, v in scratch])
        res, method = stats.ttest_ind(a, b, equal_var=False), "welch-t"
        estimate = float(np.mean(a) - np.mean(b))
    ci = res.confidence_interval(confidence_level=confidence)
    return {"pretrained": pretrained, "scratch": scratch, "confidence": confidence,
            "expected": {"method": method, "estimate": estimate, "lower": float(ci.low), "upper": float(ci.high),
                         "df": float(res.df)}}


def seed_runs_split(seed, n, prevalence, arms):
    """Labels plus arms of runs (one positive-class probability per image, 4 decimals) on one test set:
    each run has its own quality around its arm's strength and its own image noise, over a shared image
    difficulty."""
    rng = Rng(seed)
    y, difficulty = [], []
    for _ in range(n):
        y.append(1 if rng.next_float() < prevalence else 0)
        difficulty.append(rng.normal())
    out = []
    for strength, runs in arms:
        arm = []
        for _ in range(runs):
            quality = strength + 0.3 * rng.normal()
            arm.append([round(sigmoid(quality * (label - 0.5) + shared + 0.7 * rng.normal()), 4)
                        for label, shared in zip(y, difficulty)])
        out.append(arm)
    return y, out


def satterthwaite(parts):
    total = sum(v for v, _ in parts)
    return total, total * total / sum(v * v / df for v, df in parts if v > 0)


def wilson_hilferty_chi2(q, df):
    spread = 2 / (9 * df)
    return df * (1 - spread + special.ndtri(q) * math.sqrt(spread)) ** 3


def off_diagonal_mean(block):
    k = block.shape[0]
    return (block.sum() - np.trace(block)) / (k * (k - 1))


def two_level_case(name, metric, y, pretrained, scratch, seeds_a, seeds_b, confidence):
    """Two-level interval of the pretrained arm alone (on the logit scale) and of the gain over scratch. Test
    parts: per stratum, the mean over pairs of different runs of the DeLong (AUC) or per-image correctness
    (ACC) covariance."""
    yy = np.asarray(y)
    runs = np.asarray(pretrained + scratch, dtype=np.float64)
    ka = len(pretrained)
    if metric == "auc":
        order = np.argsort(-yy, kind="mergesort")
        m = int(yy.sum())
        values, cov_positives, cov_negatives = fast_delong(runs[:, order], m)
        strata = [(cov_positives, m - 1), (cov_negatives, len(yy) - m - 1)]
    else:
        correct = ((runs > 0.5).astype(int) == yy).astype(np.float64)
        values = correct.mean(axis=1)
        strata = [(np.cov(correct) / len(yy), len(yy) - 1)]
    a, b = values[:ka], values[ka:]
    t_level = (1 + confidence) / 2

    def interval(estimate, seed_parts, test_parts, logit=False):
        total, _ = satterthwaite(seed_parts + test_parts)
        # df with each seed variance at its 70% upper bound, chi2(0.3; nu) by Wilson-Hilferty as the
        # TypeScript computes it (within 2% of scipy's chi2.ppf at 2 df).
        bounds = [(v * df / wilson_hilferty_chi2(0.3, df), df) for v, df in seed_parts]
        _, df = satterthwaite(bounds + test_parts)
        half = stats.t.ppf(t_level, df) * math.sqrt(total)
        lower, upper = estimate - half, estimate + half
        if logit:  # delta method: the half-width over p(1 - p) around logit(p)
            centre, half_logit = special.logit(estimate), half / (estimate * (1 - estimate))
            lower, upper = special.expit(centre - half_logit), special.expit(centre + half_logit)
        return {"estimate": float(estimate), "lower": float(lower), "upper": float(upper),
                "df": float(df), "seedVariance": float(sum(v for v, _ in seed_parts)),
                "testVariance": float(sum(v for v, _ in test_parts))}

    single = interval(np.mean(a), [(np.var(a, ddof=1) / ka, ka - 1)],
                      [(max(0.0, off_diagonal_mean(c[:ka, :ka])), df) for c, df in strata], logit=True)
    expected = {"single": single}
    if sorted(seeds_a) == sorted(seeds_b):
        partner = [ka + seeds_b.index(seed) for seed in seeds_a]
        contrast = np.zeros((ka, len(runs)))
        contrast[np.arange(ka), np.arange(ka)] = 1.0
        contrast[np.arange(ka), partner] = -1.0
        d = contrast @ values
        expected["gain"] = interval(np.mean(d), [(np.var(d, ddof=1) / ka, ka - 1)],
                                    [(max(0.0, off_diagonal_mean(contrast @ c @ contrast.T)), df) for c, df in strata])
        expected["gain"]["method"] = "two-level-paired"
    else:
        kb = len(scratch)
        test_parts = [(max(0.0, off_diagonal_mean(c[:ka, :ka]) + off_diagonal_mean(c[ka:, ka:])
                           - 2 * c[:ka, ka:].mean()), df) for c, df in strata]
        expected["gain"] = interval(np.mean(a) - np.mean(b),
                                    [(np.var(a, ddof=1) / ka, ka - 1), (np.var(b, ddof=1) / kb, kb - 1)], test_parts)
        expected["gain"]["method"] = "two-level-welch"
    return {"dataset": name, "metric": metric, "seedsPretrained": seeds_a, "seedsScratch": seeds_b,
            "confidence": confidence, "expected": expected}


def holm_cases():
    rng = Rng(107)
    many = [round(rng.next_float() ** 3, 3) for _ in range(60)]  # cubed: crowds them near 0; rounding ties
    families = [[0.01, 0.04, 0.03, 0.005], [0.02, 0.02, 0.02, 0.5], [0.0, 0.5, 1.0], [0.0, 0.0], [1.0, 1.0, 1.0],
                [0.3], [0.04], [0.5, 0.001, 0.5, 0.2, 0.012, 0.012], many]
    return [{"pValues": p, "holm": multipletests(p, method="holm")[1].tolist()} for p in families]


def normal_reference():
    xs = [-6.0, -3.0, -1.0, -0.5, 0.0, 1e-8, 0.1, 0.5, 1.0, 1.5, 1.99, 2.0, 2.5, 3.0, 5.0, 8.0, 12.0, 20.0, 26.0]
    ps = [1e-300, 1e-100, 1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 0.999, 0.999999]
    chis = [0.0, 1e-6, 0.5, 1.0, 3.841458820694124, 10.0, 50.0, 300.0]
    return {"erfc": [[x, float(special.erfc(x))] for x in xs],
            "normalCdf": [[x, float(special.ndtr(x))] for x in xs],
            "normalQuantile": [[p, float(special.ndtri(p))] for p in ps],
            "chiSquare1Survival": [[x, float(stats.chi2.sf(x, 1))] for x in chis]}


def rng_reference():
    out = []
    for seed in (0, 1, 42, 1234567, 2**53 - 1):
        a, b, c = Rng(seed), Rng(seed), Rng(seed)
        out.append({"seed": seed, "state": Rng(seed).s, "uint32": [a.next_uint32() for _ in range(8)],
                    "floats": [b.next_float() for _ in range(4)],
                    "ints": {"10": [c.next_int(10) for _ in range(8)],
                             "3000000000": [c.next_int(3_000_000_000) for _ in range(4)]}})
    return out


# ---------------------------------------------------------------------------------------------------------
# Temperature scaling (src/metrics/temperature-scaling.ts): T minimising the mean NLL, found by scipy's
# bounded Brent search on log T over the same range, and the ECE before/after from sklearn's binning.

TEMPERATURE_RANGE = (0.05, 20.0)
SMALLEST_FLOAT32 = 2.0 ** -149  # a float32 softmax output of 0 is taken as this, so log p is finite


def temperature_logits(task, scores, score_kind):
    """Positive-class logit (binary) or per-column logits; probabilities through log / log-odds."""
    s = np.asarray(scores, dtype=np.float64)
    if score_kind == "logits":
        if task == "binary-class":
            return s[:, -1] if s.shape[1] == 1 else s[:, -1] - s[:, 0]
        return s
    log = lambda p: np.log(np.maximum(p, SMALLEST_FLOAT32))
    if task == "binary-class":
        negative = 1.0 - s[:, -1] if s.shape[1] == 1 else s[:, 0]
        return log(s[:, -1]) - log(negative)
    if task == "multi-label, binary-class":
        return log(s) - log(1.0 - s)
    return log(s)


def temperature_nll(task, y, logits, temperature):
    z = logits / temperature
    yy = np.asarray(y)
    if task in ("binary-class", "multi-label, binary-class"):
        return float(-np.mean(np.where(yy == 1, special.log_expit(z), special.log_expit(-z))))
    return float(-np.mean(special.log_softmax(z, axis=1)[np.arange(len(yy)), yy]))


def temperature_probabilities(task, logits, temperature):
    z = logits / temperature
    if task == "binary-class":
        return np.stack([special.expit(-z), special.expit(z)], axis=1)
    if task == "multi-label, binary-class":
        return special.expit(z)
    return special.softmax(z, axis=1)


def calibration_pairs(task, y, probabilities):
    yy = np.asarray(y)
    if task == "binary-class":
        return yy, probabilities[:, 1]
    if task == "multi-label, binary-class":
        return yy.ravel(), probabilities.ravel()
    predicted = np.argmax(probabilities, axis=1)
    return (predicted == yy).astype(int), probabilities[np.arange(len(yy)), predicted]


def temperature_case(validation, evaluation, task, score_kind, y_val, s_val, y_eval, s_eval):
    val_logits = temperature_logits(task, s_val, score_kind)
    result = optimize.minimize_scalar(
        lambda log_t: temperature_nll(task, y_val, val_logits, math.exp(log_t)),
        bounds=(math.log(TEMPERATURE_RANGE[0]), math.log(TEMPERATURE_RANGE[1])), method="bounded",
        options={"xatol": 1e-12, "maxiter": 500})
    temperature = math.exp(result.x)
    eval_logits = temperature_logits(task, s_eval, score_kind)
    sides = {}
    for side, t in (("before", 1.0), ("after", temperature)):
        outcome, confidence = calibration_pairs(task, y_eval, temperature_probabilities(task, eval_logits, t))
        sides[side] = {"nll": temperature_nll(task, y_eval, eval_logits, t),
                       "calibration": calibration_reference(outcome, confidence, 15)}
    return {"validation": validation, "evaluation": evaluation, "scoreKind": score_kind,
            "expected": {"temperature": temperature,
                         "nllBefore": temperature_nll(task, y_val, val_logits, 1.0),
                         "nllAfter": temperature_nll(task, y_val, val_logits, temperature),
                         "evaluation": sides}}


def overconfident_logits(seed, n, k, sharpness):
    """Multi-class logits made overconfident by `sharpness` (a fitted T should land near it)."""
    rng = Rng(seed)
    y, logits = [], []
    for _ in range(n):
        label = rng.next_int(k)
        y.append(label)
        logits.append([round(sharpness * (1.2 * (c == label) + rng.normal()), 6) for c in range(k)])
    return y, logits


def temperature_scaling_reference(inputs):
    """Cases over the shared datasets (probabilities) plus logits of their own."""
    logit_y, logit_s = overconfident_logits(107, 400, 4, 3.0)
    logit_val_y, logit_val_s = overconfident_logits(108, 300, 4, 3.0)
    datasets = {
        "multi-class-logits-overconfident": dataset("multi-class", logit_y, logit_s),
        "multi-class-logits-overconfident-val": dataset("multi-class", logit_val_y, logit_val_s),
    }
    logit_inputs = {"multi-class-logits-overconfident": ("multi-class", logit_y, logit_s, None),
                    "multi-class-logits-overconfident-val": ("multi-class", logit_val_y, logit_val_s, None)}
    every = {**inputs, **logit_inputs}
    plan = [
        ("binary-500", "binary-test-shifted", "probabilities"),
        ("binary-ties-one-column", "binary-ties-one-column", "probabilities"),
        ("binary-tiny-logits", "binary-tiny-logits", "logits"),
        ("multi-class-3", "multi-class-3", "probabilities"),
        ("ordinal-5", "ordinal-5", "probabilities"),
        ("multi-label-4", "multi-label-4", "probabilities"),
        ("multi-class-logits-overconfident-val", "multi-class-logits-overconfident", "logits"),
    ]
    cases = []
    for validation, evaluation, score_kind in plan:
        task, y_val, s_val, _ = every[validation]
        _, y_eval, s_eval, _ = every[evaluation]
        cases.append(temperature_case(validation, evaluation, task, score_kind, y_val, s_val, y_eval, s_eval))
    return {"range": list(TEMPERATURE_RANGE), "datasets": datasets, "cases": cases}


# ---------------------------------------------------------------------------------------------------------
# Single-model intervals (src/stats/single-model.ts): Wilson and Newcombe's independent-difference interval
# from statsmodels; one model's DeLong AUC variance from the fast DeLong above (one row); Newcombe's paired
# method 10 written out from statsmodels' Wilson intervals of the two marginal proportions.


def wilson(k, n, confidence):
    lower, upper = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return [float(lower), float(upper)]


def newcombe_paired(both, first_only, second_only, neither, confidence):
    """Newcombe (1998) method 10: p1 - p2 of paired outcomes, Wilson marginals and their phi correlation."""
    n = both + first_only + second_only + neither
    p1, p2 = (both + first_only) / n, (both + second_only) / n
    (l1, u1), (l2, u2) = wilson(both + first_only, n, confidence), wilson(both + second_only, n, confidence)
    margins = (both + first_only) * (second_only + neither) * (both + second_only) * (first_only + neither)
    phi = 0.0 if margins == 0 else (both * neither - first_only * second_only) / math.sqrt(margins)
    below = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    above = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return [p1 - p2 - below, p1 - p2 + above]


def single_model_reference(y, pa, pb):
    """Model A alone, A vs B paired (B standing in for a corrupted copy), A's subgroups by index mod 3."""
    yy = np.asarray(y)
    a, b = np.asarray(pa, dtype=np.float64), np.asarray(pb, dtype=np.float64)
    order = np.argsort(-yy, kind="mergesort")
    aucs, cov_positives, cov_negatives = fast_delong(a[order][np.newaxis, :], int(yy.sum()))
    cov = cov_positives + cov_negatives
    correct_a, correct_b = (a > 0.5).astype(int) == yy, (b > 0.5).astype(int) == yy
    paired = {}
    for name, mask in (("accuracy", np.ones_like(yy, dtype=bool)), ("sensitivity", yy == 1),
                       ("specificity", yy == 0)):
        ca, cb = correct_a[mask], correct_b[mask]
        table = [int(np.sum(ca & cb)), int(np.sum(ca & ~cb)), int(np.sum(~ca & cb)), int(np.sum(~ca & ~cb))]
        paired[name] = {"table": table, "interval": newcombe_paired(*table, 0.95)}
    groups = {}
    for name, mask in (("third", np.arange(len(yy)) % 3 == 0), ("rest", np.arange(len(yy)) % 3 != 0)):
        k, n = int(np.sum(correct_a[mask])), int(np.sum(mask))
        groups[name] = {"correct": k, "samples": n, "wilson": wilson(k, n, 0.95)}
    high, low = sorted(groups, key=lambda g: -groups[g]["correct"] / groups[g]["samples"])
    gap_low, gap_high = confint_proportions_2indep(groups[high]["correct"], groups[high]["samples"],
                                                   groups[low]["correct"], groups[low]["samples"],
                                                   method="newcomb", compare="diff")
    return {
        "dataset": "binary-500",
        "wilson": [{"successes": k, "trials": n, "confidence": c, "interval": wilson(k, n, c)}
                   for k, n, c in [(81, 263, 0.95), (0, 10, 0.95), (10, 10, 0.95), (1, 29, 0.9), (300, 312, 0.99)]],
        "newcombeIndependentPaperExample": {"a": [56, 70], "b": [48, 80], "interval": [
            float(v) for v in confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")]},
        "auc": {"auc": float(aucs[0]), "variance": float(cov)},
        "pairedDrops": paired,
        "subgroupsByIndexMod3": {"groups": groups, "accuracyGap": {"highest": high, "lowest": low,
                                                                "interval": [float(gap_low), float(gap_high)]}},
    }


# ---------------------------------------------------------------------------------------------------------


def build():
    val_y, val_a, val_b = binary_split(101, 500, 0.3, 4)
    test_y, test_a, _ = binary_split(102, 400, 0.62, 4, shift=1.6)
    tie_y, tie_a, tie_b = binary_split(103, 200, 0.4, 1)
    mc_y, mc_a, mc_b = multi_class_split(104, 300, 3, 5)
    ord_y, ord_a, _ = multi_class_split(105, 150, 5, 4)
    ml_y, ml_s = multi_label_split(106, 150, [0.1, 0.3, 0.5, 0.05], 4)
    tiny_y, tiny_a, tiny_b = [0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.5, 0.5], [0.2, 0.3, 0.6, 0.7, 0.65, 0.1]
    runs_y, (runs_a, runs_b) = seed_runs_split(108, 156, 0.27, [(2.4, 4), (1.7, 4)])
    inputs = {
        "binary-500": ("binary-class", val_y, two_columns(val_a), two_columns(val_b)),
        "binary-test-shifted": ("binary-class", test_y, two_columns(test_a), None),
        "binary-ties-one-column": ("binary-class", tie_y, [[v] for v in tie_a], [[v] for v in tie_b]),
        "binary-tiny": ("binary-class", tiny_y, [[v] for v in tiny_a], [[v] for v in tiny_b]),
        "binary-tiny-all-tied": ("binary-class", [0, 1], [[0.5, 0.5], [0.5, 0.5]], None),
        "binary-tiny-perfect": ("binary-class", [0, 1, 1], [[0.2], [0.7], [0.9]], None),
        "binary-tiny-logits": ("binary-class", [1, 0, 1, 0], [[2.5], [-1.0], [0.0], [0.5]], None),
        "multi-class-3": ("multi-class", mc_y, mc_a, mc_b),
        "ordinal-5": ("ordinal-regression", ord_y, ord_a, None),
        "multi-class-argmax-ties": ("multi-class", [0, 1, 2, 2, 1],
                                    [[0.4, 0.4, 0.2], [0.2, 0.4, 0.4], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25],
                                     [0.1, 0.1, 0.8]], None),
        "multi-label-4": ("multi-label, binary-class", ml_y, ml_s, None),
    }
    return {
        "meta": {
            "generator": "packages/core/scripts/make-reference-fixtures.py",
            "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
                         "statsmodels": statsmodels.__version__},
        },
        "datasets": {name: dataset(*entry) for name, entry in inputs.items()},
        "rng": rng_reference(),
        "normal": normal_reference(),
        "classification": [classification_case(name, task, y, a) for name, (task, y, a, _) in inputs.items()],
        "operatingPoints": [
            operating_point_case("binary-500", "binary-test-shifted", val_y, val_a, test_y, test_a, 0.9),
            operating_point_case("binary-ties-one-column", "binary-ties-one-column", tie_y, tie_a, tie_y, tie_a, 0.8),
        ],
        "mcnemar": [mcnemar_case(b, c) for b, c in [(0, 0), (0, 1), (3, 9), (5, 5), (10, 2), (12, 30), (0, 25),
                                                    (40, 60), (400, 460), (1000, 1100), (3000, 3400)]],
        "mcnemarModels": [
            mcnemar_models_case("binary-500", "binary-class", val_y, two_columns(val_a), two_columns(val_b)),
            mcnemar_models_case("multi-class-3", "multi-class", mc_y, mc_a, mc_b),
        ],
        "delong": [
            delong_case("binary-500", val_y, val_a, val_b),
            delong_case("binary-ties-one-column", tie_y, tie_a, tie_b),
            delong_case("binary-tiny", tiny_y, tiny_a, tiny_b),
        ],
        "bootstrapMean": [
            bootstrap_mean_case([0.912, 0.931, 0.925], 7, 2000, 0.95),
            bootstrap_mean_case([0.861, 0.874, 0.855, 0.869, 0.902], 11, 2000, 0.95),
            bootstrap_mean_case([0.61, 0.64, 0.66, 0.67, 0.71, 0.72, 0.74, 0.79, 0.85, 0.93], 3, 2000, 0.9),
        ],
        "bootstrapMeanDifference": [
            bootstrap_mean_difference_case([0.912, 0.931, 0.925], [0.874, 0.861, 0.889], 13, 2000, 0.95),
            bootstrap_mean_difference_case([0.861, 0.874, 0.855, 0.869, 0.902], [0.84, 0.87, 0.83, 0.86], 17, 2000,
                                           0.95),
            bootstrap_mean_difference_case([0.61, 0.64, 0.66, 0.67, 0.71, 0.72, 0.74, 0.79, 0.85, 0.93],
                                           [0.58, 0.6, 0.65, 0.66, 0.7, 0.71, 0.73, 0.8], 19, 2000, 0.9),
        ],
        "studentT": student_t_reference(),
        "seedMean": [
            seed_mean_case([0.912, 0.931, 0.925], 0.95),
            seed_mean_case([0.861, 0.874, 0.855, 0.869, 0.902], 0.95),
            seed_mean_case([0.61, 0.64, 0.66, 0.67, 0.71, 0.72, 0.74, 0.79, 0.85, 0.93], 0.9),
        ],
        "gain": [
            gain_case([[0, 0.912], [1, 0.931], [2, 0.925]], [[2, 0.889], [0, 0.874], [1, 0.861]], 0.95),
            gain_case([[3, 0.86], [1, 0.874], [4, 0.855], [2, 0.869], [0, 0.902]],
                      [[0, 0.84], [1, 0.87], [2, 0.83], [3, 0.86], [4, 0.845]], 0.99),
            gain_case([[0, 0.912], [1, 0.931], [2, 0.925], [3, 0.94]], [[10, 0.874], [11, 0.861], [12, 0.889]], 0.95),
            gain_case([[0, 0.912], [1, 0.931], [2, 0.925]], [[0, 0.874], [1, 0.861], [2, 0.889], [3, 0.85]], 0.9),
        ],
        "seedRuns": {"breast-like-156": {"yTrue": runs_y, "pretrained": runs_a, "scratch": runs_b}},
        "twoLevel": [
            two_level_case("breast-like-156", metric, runs_y, runs_a, runs_b, [0, 1, 2, 3], seeds_b, confidence)
            for metric in ("auc", "acc")
            for seeds_b, confidence in (([2, 0, 3, 1], 0.95), ([10, 11, 12, 13], 0.9))
        ],
        "holm": holm_cases(),
        "temperatureScaling": temperature_scaling_reference(inputs),
        "singleModel": single_model_reference(val_y, val_a, val_b),
        "pairedBootstrap": [
            paired_bootstrap_case("binary-500", "binary-class", val_y, two_columns(val_a), two_columns(val_b),
                                  5, 200, 0.95),
            paired_bootstrap_case("multi-class-3", "multi-class", mc_y, mc_a, mc_b, 6, 100, 0.95),
        ],
    }


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    out.write_text(json.dumps(build(), allow_nan=False, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
