"""Words of the rules: names, descriptions, shadow prices, explanations, diagnoses.

Keys: ``rule.*`` (a rule's name, description and groups), ``shadow.*`` (shadow-price
sentences), ``explain.*`` (appeal sentences), ``diagnose.*`` (why a scenario is
infeasible), ``fairness.*`` (the price of fairness), ``objective.*`` and ``status.*``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # -- names -------------------------------------------------------------------
    "rule.budget": ("资金池", "pool"),
    "rule.cap.total": ("单企业合计上限", "per-firm total cap"),
    "rule.startup_floor": ("初创企业专项", "startup set-aside"),
    "rule.large_cap": ("大型企业上限", "large-firm cap"),
    "rule.district_floor": ("区域保底", "district floor"),
    "rule.basic_research_floor": ("基础研究专项", "basic-research set-aside"),
    "rule.objective": ("最大最小规则", "max-min rule"),
    "rule.group.basic_research": ("基础研究项目", "basic-research projects"),
    "rule.group.class.startup": ("初创企业", "startups"),
    "rule.group.class.small": ("小型企业", "small firms"),
    "rule.group.class.medium": ("中型企业", "medium firms"),
    "rule.group.class.large": ("大型企业", "large firms"),
    "rule.list": ("、", ", "),
    # -- descriptions ---------------------------------------------------------------
    "rule.budget.describe": ("资金池：{pools}，各券种发放总额不超过其资金池。",
                             "Pools: {pools}; no program pays out more than its pool."),
    "rule.cap.total.describe": ("单个企业各券种合计不超过{cap}。",
                                "No firm receives more than {cap} across all programs."),
    "rule.startup_floor.describe": (
        "初创企业专项：每个券种至少{share}的资金留给初创企业（初创企业可获额度合计更少时，以其为限）。",
        "Startup set-aside: at least {share} of each pool goes to startups "
        "(or all they are eligible for, if that is less)."),
    "rule.large_cap.describe": (
        "大型企业上限：每个券种发给大型企业的合计不超过资金池的{share}。",
        "Large-firm cap: large firms get at most {share} of each pool."),
    "rule.district_floor.describe": (
        "区域保底：每个区获得的资金至少为该区企业可获额度合计的{share}。",
        "District floor: every district receives at least {share} "
        "of what its firms are eligible for."),
    "rule.basic_research_floor.describe": (
        "基础研究专项：全部资金池的至少{share}用于基础研究项目（其可获额度合计更少时，以其为限）。",
        "Basic-research set-aside: at least {share} of all pools goes to "
        "basic-research projects (or all they are eligible for, if that is less)."),
    # -- shadow prices: the row's name, and its room clause ({s} is the slack) ---------
    "shadow.budget.name": ("{group}资金池", "the {group} pool"),
    "shadow.budget.room": ("{group}资金池尚余{s}未发放", "The {group} pool has {s} left"),
    "shadow.large_cap.name": ("大型企业在{group}上的上限", "the large-firm cap on {group}"),
    "shadow.large_cap.room": ("大型企业距{group}上限尚余{s}",
                              "Large firms are {s} below their cap on {group}"),
    "shadow.startup_floor.name": ("初创企业专项（{group}）", "the startup set-aside on {group}"),
    "shadow.startup_floor.room": ("初创企业获得的{group}比专项要求多{s}",
                                  "Startups get {s} more of the {group} pool than the "
                                  "set-aside requires"),
    "shadow.district_floor.name": ("{group}的区域保底", "the district floor of {group}"),
    "shadow.district_floor.room": ("{group}获得的资金比保底多{s}",
                                   "{group} gets {s} more than its floor"),
    "shadow.basic_research_floor.name": ("基础研究专项", "the basic-research set-aside"),
    "shadow.basic_research_floor.room": ("基础研究项目获得的资金比专项要求多{s}",
                                         "Basic-research projects get {s} more than the "
                                         "set-aside requires"),
    "shadow.cap.total.name": ("企业{group}的合计上限", "firm {group}'s total cap"),
    "shadow.cap.total.room": ("企业{group}距合计上限尚余{s}",
                              "Firm {group} is {s} below its total cap"),
    "shadow.verb.add": ("增加", "in"),
    "shadow.verb.loosen": ("放宽", "of room under"),
    "shadow.binding.le": ("{name}每{verb}{step}，{points}约增加{gain}分{rate}；起约束作用。",
                          "{step} more {verb} {name} adds about {gain} {points} points {rate}; "
                          "binding."),
    "shadow.binding.ge": ("{name}每多要求{step}，{points}约减少{gain}分{rate}；起约束作用。",
                          "Each {step} more that {name} demands costs about {gain} {points} "
                          "points {rate}; binding."),
    "shadow.slack": ("{room}；小幅调整不改变结果（有余量）。",
                     "{room}; a small change would change nothing (slack)."),
    "shadow.exact": ("{name}恰好满足，但边际价值为零（不起约束作用）。",
                     "{name} is met exactly, but a small change would change nothing "
                     "(not binding)."),
    "shadow.rate": ("（每元{value}分）", "({value} per yuan)"),
    "shadow.points.impact": ("影响力", "impact"),
    "shadow.points.benefit": ("收益", "benefit"),
    # -- explanations: one sentence per reason --------------------------------------------
    "explain.head.full": ("已全额资助{got}", "Funded in full ({got})"),
    "explain.head.partial": ("获资助{got}（最高可获{limit}）",
                             "Funded {got} of the {limit} its rates allow"),
    "explain.head.none": ("未获资助", "Not funded"),
    "explain.weighted": ("加权", "weighted "),
    "explain.separator": ("；", "; "),
    "explain.ineligible": ("未获资助：评审得分{score}分，低于{group}的资格线{threshold}分。",
                           "Not funded: its score {score} is below the threshold of {threshold} "
                           "for {group}."),
    "explain.nothing_asked": ("未申请资助额度，故未获资助。",
                              "Applied for nothing, so receives nothing."),
    "explain.rate_limit": ("已全额资助{got}：按申请额和补贴比例计算的最高额度。",
                           "Funded in full: {got}, the most its subsidy rates allow on its "
                           "requests."),
    "explain.cap_total": ("获资助{got}：达到单企业合计上限{cap}。",
                          "Funded {got}: the per-firm total cap of {cap}."),
    "explain.cap_program": ("获资助{got}：{program}达到单企业上限{cap}，其余券种全额资助。",
                            "Funded {got}: its {program} award reached the per-firm cap of {cap}, "
                            "and every other program pays its full rate."),
    "explain.set_aside": ("{head}：其{weighted}得分低于{program}资金池的分数线{cut}分，"
                          "因{route}而获得资助。",
                          "{head}: its {weighted}score is below the {program} pool's cut-off "
                          "of {cut}, but {route} raised it."),
    "explain.group_cap": ("{head}：{held}。", "{head}: {held}."),
    "explain.pool_cutoff": ("{head}：{program}资金池在{weighted}得分{cut}分处用尽{routes}，"
                            "{mine}。",
                            "{head}: the {program} pool ran out at a {weighted}score of "
                            "{cut}{routes}; {mine}."),
    "explain.mine": ("该企业{weighted}得分{score}分", "this firm's {weighted}score is {score}"),
    "explain.mine.tie": ("该企业{weighted}得分{score}分，正是资金池用尽处",
                         "this firm's {weighted}score is {score}, where it ran out"),
    # -- explanations: the route that funds a group (its binding ≥ row) ------------------
    "explain.route.general": ("{program}资金池", "the {program} pool"),
    "explain.route.startup_floor": ("{group}初创企业专项", "the startup set-aside on {group}"),
    "explain.route.district_floor": ("{group}区域保底", "the district floor of {group}"),
    "explain.route.basic_research_floor": ("基础研究专项", "the basic-research set-aside"),
    "explain.route.objective": ("{rule}（{group}覆盖率保持在{level}）",
                                "the {rule} (coverage of {group} held at {level})"),
    "objective.rule.maxmin": ("最大最小规则", "max-min rule"),
    "objective.rule.leximin": ("字典序最大最小规则", "leximin rule"),
    "explain.held": ("{rule}（{group}）已达上限", "{rule} ({group}) is at its limit"),
    "explain.held.large_cap": ("大型企业合计已达{group}资金池{share}的大型企业上限",
                               "large firms together reached the large-firm cap of {share} "
                               "of the {group} pool"),
    "explain.route.cut_off": ("经{route}获资助的最低{weighted}得分为{cut}分",
                              "{route} funded {weighted}scores down to {cut}"),
    "explain.route.closest": ("最接近的是{route}（差{gap}分）",
                              "the closest route is {route} ({gap} points short)"),
    # -- diagnosis -------------------------------------------------------------------
    "diagnose.pools.one": ("{program}资金池共{total}", "the {program} pool holds {total}"),
    "diagnose.pools.many": ("{count}个资金池合计{total}",
                            "the {count} pools hold {total} together"),
    "diagnose.district_floor.total": ("区域保底{share}至少需要{need}，但{pools}。",
                                      "District floor {share} needs at least {need}, but {pools}."),
    "diagnose.beyond_total_cap": ("{needs}，但单企业合计上限使{who}最多获得{reachable}。",
                                  "{needs}, but the per-firm total cap lets {who} receive "
                                  "at most {reachable}."),
    "diagnose.district_floor.needs": ("区域保底{share}要求{group}获得{need}",
                                      "District floor {share} needs {need} for {group}"),
    "diagnose.district_floor.who": ("其企业", "its firms"),
    "diagnose.startup_floor.needs": ("初创企业专项{share}合计需要{need}",
                                     "Startup set-aside {share} needs {need} in all"),
    "diagnose.startup_floor.who": ("初创企业", "startups"),
    "diagnose.basic_research_floor.needs": ("基础研究专项{share}需要{need}",
                                            "Basic-research set-aside {share} needs {need}"),
    "diagnose.basic_research_floor.who": ("基础研究项目", "basic-research projects"),
    "diagnose.short": ("{rule}{share}无法满足：{where}需要{need}，最多只能达到{most}，缺口{gap}。"
                       "与之冲突的是：{blockers}。",
                       "{rule} {share} cannot be met: {where} need {need} but can get at most "
                       "{most} (short by {gap}). It conflicts with: {blockers}."),
    "diagnose.more": ("{where}等{count}项", "{where} ({count} in all)"),
    "diagnose.others": ("其他规则", "the other rules"),
    "diagnose.blocker.budget": ("{group}资金池（{rhs}）", "the {group} pool ({rhs})"),
    "diagnose.blocker.cap.total": ("单企业合计上限", "the per-firm total cap"),
    "diagnose.blocker.other": ("{rule}（{group}）", "the {rule} ({group})"),
    # -- price of fairness ---------------------------------------------------------------
    "fairness.all": ("全部公平规则合计", "All fairness rules together"),
    "fairness.objective.maxmin": ("最大最小目标", "The max-min objective"),
    "fairness.objective.leximin": ("字典序最大最小目标", "The leximin objective"),
    "fairness.tiers": ("收益递减（{parameter}）", "Diminishing returns ({parameter})"),
    "fairness.rule": ("{parameter}的{rule}", "The {parameter} {rule}"),
    "fairness.price": ("{label}{cost}{move}。", "{label} {cost}{move}."),
    "fairness.cost": ("使影响力下降{pct}", "costs {pct} of impact"),
    "fairness.cost.none": ("不降低影响力", "costs no impact"),
    "fairness.move": ("，并将{moved}从{losers}转向{gainers}",
                      " and moves {moved} from {losers} to {gainers}"),
    "fairness.move.gain": ("，{gainers}多获{moved}", " and gives {gainers} {moved} more"),
    "fairness.move.none.district": ("，各区之间没有资金转移",
                                    " and moves no money between districts"),
    "fairness.move.none.size_class": ("，各规模企业之间没有资金转移",
                                      " and moves no money between size classes"),
    "fairness.last": ("{most}、{last}", "{most} and {last}"),
    # several size classes named together: "large and medium firms"
    "fairness.classes": ("{names}", "{names} firms"),
    "fairness.class.small": ("小型企业", "small"),
    "fairness.class.medium": ("中型企业", "medium"),
    "fairness.class.large": ("大型企业", "large"),
    # -- statuses --------------------------------------------------------------------
    "status.optimal": ("最优", "optimal"),
    "status.infeasible": ("不可行", "infeasible"),
    "status.unbounded": ("无界", "unbounded"),
    "status.time_limit": ("达到时间上限", "time limit reached"),
    "status.iteration_limit": ("达到迭代上限", "iteration limit reached"),
    "status.error": ("求解失败", "solver failed"),
}
