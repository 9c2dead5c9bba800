"""Words of the scenario store (方案库): its errors and the ``store`` commands."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # errors (inputs.store.StoreError codes)
    "store.unknown_name": ("方案库中没有名为“{name}”的方案",
                           "the store has no scenario named {name!r}"),
    "store.unknown_version": ("方案“{name}”没有第 {version} 版（共 {count} 版）",
                              "scenario {name!r} has no version {version} (it has {count})"),
    "store.deleted": ("方案“{name}”已删除（可在方案库中恢复）",
                      "scenario {name!r} is deleted (it can be restored from the library)"),
    "store.name_taken": ("方案库中已有名为“{name}”的方案（含已删除的），请换一个名称",
                         "the store already has a scenario named {name!r} (perhaps deleted); "
                         "choose another name"),
    "store.bad_name.empty": ("方案名称不能为空", "a scenario name cannot be empty"),
    "store.bad_name.spaces": ("方案名称“{name}”首尾不能有空格",
                              "scenario name {name!r} starts or ends with a space"),
    "store.bad_name.slash": ("方案名称“{name}”不能包含“/”或控制字符",
                             "scenario name {name!r} contains '/' or a control character"),
    "store.bad_name.long": ("方案名称超过 200 个字符", "a scenario name is at most 200 characters"),
    "store.bad_ref": ("“{ref}”不是有效的方案库引用（应写作 store:名称 或 store:名称@版本号，"
                      "版本号从 1 起）",
                      "{ref!r} is not a store reference (write store:NAME or store:NAME@N, "
                      "N counted from 1)"),
    "store.unknown_what_if": ("没有编号为 {id} 的假设方案", "there is no what-if with id {id}"),
    "store.corrupt": ("方案“{name}”第 {version} 版的数据已损坏（校验值不符）",
                      "version {version} of scenario {name!r} is damaged (its digest differs)"),
    "store.unsupported_column": ("企业名单的列“{column}”的数据类型 {dtype} 无法保存",
                                 "column {column!r} of the firms table has type {dtype}, "
                                 "which the store cannot keep"),
    "store.unavailable": ("无法打开方案库 {url}：{reason}",
                          "cannot open the store {url}: {reason}"),
    "store.newer_schema": ("方案库 {url} 的结构版本为 {found}，"
                           "比本程序支持的 {known} 更新，请升级本程序",
                           "the store {url} has schema version {found}, newer than the {known} "
                           "this program knows; upgrade the program"),
    # the store commands
    "store.saved": ("已保存：{name} 第 {version} 版（{n_firms} 家企业，校验值 {digest}）",
                    "saved: {name} version {version} ({n_firms} firms, digest {digest})"),
    "store.exported": ("已导出 {ref} 到 {path}", "exported {ref} to {path}"),
    "store.empty": ("方案库中还没有方案", "the store holds no scenario yet"),
    "store.log_empty": ("决策记录为空", "the decision log is empty"),
    "store.head.name": ("方案", "scenario"),
    "store.head.versions": ("版本数", "versions"),
    "store.head.latest": ("最新版", "latest"),
    "store.head.saved_at": ("保存时间（UTC）", "saved at (UTC)"),
    "store.head.user": ("用户", "user"),
    "store.head.firms": ("企业数", "firms"),
    "store.head.at": ("时间（UTC）", "time (UTC)"),
    "store.head.version": ("版本", "version"),
    "store.head.status": ("状态", "status"),
    "store.head.objective": ("影响力", "impact"),
    "store.file": ("文件", "file"),
}
