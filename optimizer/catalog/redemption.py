"""Words of the redemption model: issuing above the pool with a stated overspend risk.

Vouchers are paid after use (事后奖补): 发放 (issue) is what a firm is granted,
兑付 (redeem/spend) what the pool pays. The glossary terms are
``redemption.term.*``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # glossary
    "redemption.term.issued": ("发放额", "issued"),
    "redemption.term.spend": ("兑付额", "spending"),
    "redemption.term.rate": ("兑付率", "redemption rate"),
    "redemption.term.risk": ("超支风险", "overspend risk"),
    # the rule
    "redemption.label": ("超支风险约束", "overspend-risk limit"),
    "redemption.group": ("{program}兑付", "{program} spending"),
    "redemption.describe": (
        "按兑付率发放：{program}的发放额可超过资金池，但兑付额超过资金池{budget}的概率"
        "不超过{risk}（以{samples}个兑付率样本上的条件风险价值约束）。",
        "Issue by redemption: {program} may issue more than its pool, but the chance that "
        "spending exceeds the pool of {budget} is at most {risk} (a CVaR limit over "
        "{samples} sampled redemption rates).",
    ),
    "redemption.violation": (
        "{program}在样本上的条件风险价值兑付额为{cvar}，超过资金池{budget}",
        "{program}: CVaR of sampled spending is {cvar}, above the pool of {budget}",
    ),
    "redemption.shadow_name": ("{program}资金池（超支风险约束）",
                               "the {program} pool under the overspend-risk limit"),
    "redemption.shadow_room": ("{program}资金池在超支风险约束下尚余{s}",
                               "The {program} pool has {s} left under the overspend-risk limit"),
    # notes beside the policy sheet's keys (inputs.scenario_sheets.policy_note looks them up)
    "sheet.note.redemption": ("预计兑付率：发放额中实际兑付的份额（默认1）",
                              "expected share of issued yuan that is redeemed (default 1)"),
    "sheet.note.redemption.sd": ("各组兑付率的标准差（默认0）",
                                 "standard deviation of each group's redemption rate (default 0)"),
    **{f"sheet.note.redemption.sd.{c}": ("该规模企业兑付率的标准差",
                                         "standard deviation of this size class's redemption rate")
       for c in ("startup", "small", "medium", "large")},
    "sheet.note.overspend_risk": (
        "允许的超支概率 ε（默认0.05）",
        "allowed probability of spending more than the pool (default 0.05)"),
    "sheet.note.redemption.samples": ("超支风险约束的兑付率样本数",
                                      "sampled redemption rates in the LP"),
    "sheet.note.redemption.seed": ("兑付率抽样的随机种子", "seed of the sampled redemption rates"),
    # errors of the executor (rendered by the command line)
    "redemption.error.no_dask": (
        "使用 --dask {address} 需要安装分布式计算组件：pip install 'voucher-opt[dask]'",
        "--dask {address} needs Dask distributed: pip install 'voucher-opt[dask]'"),
    "redemption.error.unreachable": (
        "无法连接调度节点 {address}：{detail}",
        "cannot reach the Dask scheduler at {address}: {detail}"),
    "redemption.error.sweep_risk": (
        "{rule}的取值须大于0且小于1，现为{got}",
        "{rule} values must be above 0 and below 1, got {got}"),
    # output
    "redemption.program": ("券种", "program"),
    "redemption.sheet": ("兑付风险", "Redemption risk"),
    "redemption.summary": (
        "{program}：发放{issued}，预计兑付{spend}，超支概率{risk}",
        "{program}: issue {issued} to spend {spend} with {risk} risk of overspending",
    ),
    "redemption.p_overspend": ("超支概率", "overspend probability"),
    "redemption.expected_spend": ("预计兑付额", "expected spending"),
    "redemption.spend_p95": ("兑付额95%分位", "spending, 95th percentile"),
    "redemption.spend_p99": ("兑付额99%分位", "spending, 99th percentile"),
    "redemption.draws": ("模拟次数", "draws"),
    "redemption.histogram_of": ("{program}模拟兑付额分布", "Simulated spending: {program}"),
    "redemption.bar_from": ("兑付额下限", "spending from"),
    "redemption.bar_count": ("次数", "draws"),
    "redemption.within": ("未超出资金池", "within the pool"),
    "redemption.beyond": ("超出资金池", "above the pool"),
}
