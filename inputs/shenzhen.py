"""The built-in Shenzhen scenario: a seeded, synthetic applicant pool that follows the study.

Figures from 吴方《深圳加快人工智能推广应用的路径研究》 (see the domain brief):

* 2,887 AI firms in 2024; districts in the proportions of the end-2023 counts
  (南山区 682 of 2,267, i.e. 30.1%; 宝安区 351, 龙华区 263, 福田区 231, 龙岗区 206;
  the remaining 534 split, decreasing, over 罗湖区, 光明区, 坪山区, 盐田区, 深汕特别合作区);
* "big middle, small ends": startups 45%, small 37%, medium 13%, large 5%;
* requests, scores, basic research and application dates are synthetic, with
  larger firms asking for more, scoring higher and applying earlier.

``python -m inputs.shenzhen`` (``make scenarios``) writes the shipped workbooks.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from inputs.builtin import DATA_DIR, DEFAULT_SCENARIO_PATH, FAIR_SCENARIO_PATH, TEMPLATE_PATH
from inputs.firms import validate_firms
from inputs.policies import default_policy, fair_policy
from inputs.scenario_io import write_scenario, write_template
from optimizer.policy import Policy
from optimizer.scenario import Scenario

STUDY_FIRMS = 2887
SEED = 2024

#: AI firms per district at the end of 2023 (the study's counts; the last five are
#: ours, splitting the 534 firms the study gives for them together).
DISTRICT_COUNTS_2023: dict[str, int] = {
    "南山区": 682,
    "宝安区": 351,
    "龙华区": 263,
    "福田区": 231,
    "龙岗区": 206,
    "罗湖区": 168,
    "光明区": 142,
    "坪山区": 104,
    "盐田区": 72,
    "深汕特别合作区": 48,
}
#: How much a district's firms score above or below their size class's mean
#: (established clusters review better; the study asks for district policy).
DISTRICT_SCORE_OFFSET: dict[str, float] = {
    "南山区": 3.0, "福田区": 2.0, "宝安区": 0.0, "龙华区": 0.0, "龙岗区": -1.0,
    "罗湖区": -1.0, "光明区": -2.0, "坪山区": -3.0, "盐田区": -3.0, "深汕特别合作区": -5.0,
}  # fmt: skip

SIZE_SHARES: dict[str, float] = {"startup": 0.45, "small": 0.37, "medium": 0.13, "large": 0.05}
#: Median request in yuan per size class (lognormal, sigma below).
MEDIAN_REQUEST: dict[str, dict[str, float]] = {
    "training": {"startup": 1.5e6, "small": 4e6, "medium": 12e6, "large": 40e6},
    "model": {"startup": 0.4e6, "small": 0.9e6, "medium": 2.5e6, "large": 5e6},
}
REQUEST_SIGMA = 0.8
#: Shares of firms that apply to one program only.
MODEL_ONLY, TRAINING_ONLY = 0.12, 0.08
SCORE_MEAN: dict[str, float] = {"startup": 62, "small": 66, "medium": 72, "large": 76}
SCORE_SD = 10.0
BASIC_RESEARCH: dict[str, float] = {"startup": 0.07, "small": 0.07, "medium": 0.12, "large": 0.14}
#: Application window and mean days after it opens (paperwork favours large firms).
WINDOW_OPENS, WINDOW_CLOSES = np.datetime64("2024-03-01"), np.datetime64("2024-12-31")
MEAN_DAYS: dict[str, float] = {"startup": 75, "small": 60, "medium": 40, "large": 20}

_WORDS_1 = (
    "云智", "星河", "深蓝", "极光", "鹏程", "海岸", "前海", "南方", "华粤", "启明",
    "未来", "天工", "灵犀", "慧眼", "晨曦", "博识", "安芯", "睿思", "数澜", "墨子",
    "青鸾", "光年", "远望", "泰格", "银河", "卓越", "聚能", "蓝鲸", "图灵", "九章",
)  # fmt: skip
_WORDS_2 = (
    "智能", "数智", "算力", "视觉", "语音", "机器", "芯片", "数据", "模型", "感知",
    "认知", "交互", "引擎", "量子", "网络", "信息", "云端", "互联", "创新", "智造",
    "科创", "灵动", "深度", "物联", "微光", "合成", "语义", "星图",
)  # fmt: skip
_SUFFIXES = (
    "科技有限公司",
    "智能科技有限公司",
    "信息技术有限公司",
    "人工智能有限公司",
    "数据科技有限公司",
)


def quotas(shares: dict[str, float], total: int) -> dict[str, int]:
    """Whole counts proportional to ``shares`` that add up to ``total`` (largest remainder)."""
    weights = np.array(list(shares.values()), dtype=float)
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[: total - counts.sum()]] += 1
    return dict(zip(shares, counts.tolist(), strict=True))


def _spread(rng: np.random.Generator, counts: dict[str, int]) -> np.ndarray:
    labels = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
    return rng.permutation(labels)


def generate(
    n_firms: int = STUDY_FIRMS,
    seed: int = SEED,
    *,
    fair: bool = False,
    policy: Policy | None = None,
) -> Scenario:
    """A synthetic Shenzhen applicant pool of ``n_firms`` firms (deterministic per seed).

    Parameters
    ----------
    n_firms
        Number of firms; 2,887 is the study's 2024 count. Benchmarks use
        30,000 and 100,000.
    seed
        Seed of :func:`numpy.random.default_rng`; equal seeds, equal tables.
    fair
        Use the study's fairness rules (:func:`inputs.policies.fair_policy`).
    policy
        Any other policy; by default the Shenzhen 2024 policy.
    """
    rng = np.random.default_rng(seed)
    size_class = _spread(rng, quotas(SIZE_SHARES, n_firms))
    district = _spread(rng, quotas({d: float(c) for d, c in DISTRICT_COUNTS_2023.items()}, n_firms))

    offset = pd.Series(district).map(DISTRICT_SCORE_OFFSET).to_numpy(dtype=float)
    mean = pd.Series(size_class).map(SCORE_MEAN).to_numpy(dtype=float)
    score = np.round(np.clip(rng.normal(mean + offset, SCORE_SD), 0, 100), 1)

    requests = {}
    for program, medians in MEDIAN_REQUEST.items():
        median = pd.Series(size_class).map(medians).to_numpy(dtype=float)
        amount = median * rng.lognormal(0.0, REQUEST_SIGMA, n_firms)
        requests[program] = np.round(amount, -2)  # whole hundreds of yuan
    one_program = rng.random(n_firms)
    requests["training"][one_program < MODEL_ONLY] = 0.0
    requests["model"][(one_program >= MODEL_ONLY) & (one_program < MODEL_ONLY + TRAINING_ONLY)] = 0

    research_share = pd.Series(size_class).map(BASIC_RESEARCH).to_numpy(dtype=float)
    basic_research = rng.random(n_firms) < research_share

    mean_days = pd.Series(size_class).map(MEAN_DAYS).to_numpy(dtype=float)
    last_day = int((WINDOW_CLOSES - WINDOW_OPENS).astype(int))
    days = np.minimum(np.floor(rng.exponential(mean_days)), last_day).astype("timedelta64[D]")
    applied_on = WINDOW_OPENS + days

    names = (
        pd.Series(rng.choice(_WORDS_1, n_firms))
        + pd.Series(rng.choice(_WORDS_2, n_firms))
        + pd.Series(rng.choice(_SUFFIXES, n_firms))
    )
    width = max(4, len(str(n_firms)))
    table = pd.DataFrame(
        {
            "firm_id": [f"SZ{i:0{width}d}" for i in range(1, n_firms + 1)],
            "name": "深圳市" + names,
            "size_class": size_class,
            "district": district,
            "score": score,
            "basic_research": basic_research,
            "applied_on": applied_on.astype("datetime64[ns]"),
            "model_request": requests["model"],
            "training_request": requests["training"],
        }
    )
    policy = policy or (fair_policy() if fair else default_policy())
    for program in policy.programs:  # further programs: nobody applies in the generated pool
        if f"{program}_request" not in table.columns:
            table[f"{program}_request"] = 0.0
    firms = validate_firms(table, policy.programs, sheet=None)
    name = "shenzhen-2024" if n_firms == STUDY_FIRMS else f"shenzhen-{n_firms}"
    name += "-fair" if fair else ""
    return Scenario(firms, policy, name)


def generate_shenzhen(n_firms: int = STUDY_FIRMS, seed: int = SEED) -> Scenario:
    """The built-in Shenzhen scenario under the default policy."""
    return generate(n_firms, seed)


def main(argv: list[str] | None = None) -> int:
    """Write the shipped workbooks (default policy, fair policy, blank template)."""
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0]) if args else DATA_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    scenario = generate_shenzhen()
    files = {
        DEFAULT_SCENARIO_PATH.name: write_scenario(scenario),
        FAIR_SCENARIO_PATH.name: write_scenario(scenario.with_policy(fair_policy())),
        TEMPLATE_PATH.name: write_template(),
    }
    for file_name, data in files.items():
        (out_dir / file_name).write_bytes(data)
        print(f"wrote {out_dir / file_name} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
