"""Words of the command line (``voucher-opt``): errors, warnings and notices.

Keys start with ``cli.``. Input errors themselves come from :mod:`optimizer.catalog.inputs`.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # the tables of solve, compare and sweep
    "cli.table.value": ("取值", "value"),
    "cli.table.status": ("状态", "status"),
    "cli.table.impact": ("影响力", "impact"),
    "cli.table.spend_total": ("发放总额（元）", "spend (yuan)"),
    "cli.table.firms_funded": ("获资助企业", "firms funded"),
    "cli.table.startup_share": ("初创企业占比", "startup share"),
    "cli.table.min_class_coverage": ("最低规模覆盖率", "min class coverage"),
    "cli.table.gini": ("基尼系数", "Gini"),
    "cli.table.jain": ("Jain 指数", "Jain index"),
    "cli.baselines_of": ("（基线为{name}）", "(baselines of {name})"),
    "cli.solve.head": ("{name}：{status}", "{name}: {status}"),
    "cli.solve.pool": ("{program}：{spent} / {budget}", "{program}: {spent} / {budget}"),
    "cli.solve.funded": ("获资助企业：{count}", "firms funded: {count}"),
    "cli.solve.coverage": ("各规模覆盖率：{shown}", "coverage by size class: {shown}"),
    "cli.solve.impact": ("影响力（评审得分×元）：{impact}", "impact (score × yuan): {impact}"),
    "cli.solve.binding": ("起约束作用：{group}{rule}（每元 {marginal} 影响力）",
                          "binding: {group} {rule} ({marginal} impact per yuan)"),
    "cli.error": ("错误：{message}", "error: {message}"),
    "cli.warning": ("注意：{message}", "warning: {message}"),
    "cli.usage": ("命令用法有误：{detail}（用 --help 查看用法）",
                  "usage error: {detail} (see --help)"),
    "cli.report_written": ("报告已写入 {path}", "report written to {path}"),
    "cli.template_written": ("模板已写入 {path}", "template written to {path}"),
    "cli.serving": ("voucher-opt：应用已在 http://{address}:{port} 运行",
                    "voucher-opt: serving on http://{address}:{port}"),
    "cli.out_folder_missing": (
        "无法写入 {path}：文件夹 {folder} 不存在；请先创建它或换一个路径",
        "cannot write {path}: the folder {folder} does not exist; create it or choose another "
        "path"),
    "cli.out_unwritable": ("无法写入 {path}：{detail}", "cannot write {path}: {detail}"),
    "cli.not_finite": ("{option} 应为有限的数字，实际为 {got}",
                       "{option} must be a finite number, got {got}"),
    "cli.step_positive": ("--step 应大于 0，实际为 {got}", "--step must be > 0, got {got}"),
    "cli.range_backwards": ("--to（{stop}）不能小于 --from（{start}）",
                            "--to ({stop}) must not be below --from ({start})"),
    "cli.too_many_points": ("{count} 个取值太多（最多 {limit} 个）；请把 --step 调大",
                            "{count} points is too many (at most {limit}); use a larger --step"),
    "cli.sweep_rule": ("不能扫描 {rule}；可选：{allowed}",
                       "cannot sweep {rule}; choose one of {allowed}"),
    "cli.sweep_share": ("{rule} 的取值应在 0 到 1 之间，实际为 {got}",
                        "{rule} must be between 0 and 1, got {got}"),
    "cli.sweep_budget": ("{rule} 的取值应为 ≥ 0 的金额（元），实际为 {got}",
                         "{rule} must be yuan ≥ 0, got {got}"),
    "cli.port_range": ("端口应在 1 到 65535 之间，实际为 {got}",
                       "the port must be between 1 and 65535, got {got}"),
    "cli.round_store": (
        "此版本无法从方案库读取上一批次（{ref}）；请传入上一批次的报告工作簿",
        "the previous round cannot be read from the scenario store in this version ({ref}); "
        "pass the previous round's report workbook"),
    "cli.round_reserve": ("{option} 应为 0 到 1 之间的份额（如 0.2 或 20%），实际为 {got}",
                          "{option} must be a share between 0 and 1 (such as 0.2 or 20%), "
                          "got {got}"),
    "cli.round_reserve_form": ("--reserve 应写作 券种=份额（如 corpus=0.2），实际为 {got}",
                               "--reserve takes P=X (such as corpus=0.2), got {got}"),
    "cli.round_reserve_program": ("--reserve：券种 {program} 在上一批次没有资金池"
                                  "（现有：{programs}）",
                                  "--reserve: program {program} has no pool in the previous "
                                  "round (programs: {programs})"),
    "cli.unknown_firm": ("{scenario} 中没有编号为 {firm_id} 的企业",
                         "no firm with id {firm_id} in {scenario}"),
}
