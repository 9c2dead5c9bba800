"""Words of sign-in, roles, decisions and the audit trail (``auth.*``, ``decision.*``)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # roles and actions
    "auth.role.viewer": ("查看者", "viewer"),
    "auth.role.analyst": ("分析员", "analyst"),
    "auth.role.approver": ("审批人", "approver"),
    "auth.action.read": ("查看", "read"),
    "auth.action.sign_in": ("登录", "sign in"),
    "auth.action.sign_in_failed": ("登录失败", "failed sign-in"),
    "auth.action.save": ("保存方案", "save"),
    "auth.action.solve": ("求解", "solve"),
    "auth.action.submit": ("提交审批", "submit"),
    "auth.action.approve": ("批准", "approve"),
    "auth.action.reject": ("驳回", "reject"),
    "auth.action.export": ("导出", "export"),
    "auth.action.read_audit": ("查看审计日志", "read the audit log"),
    "auth.action.user_add": ("添加用户", "add a user"),
    "auth.action.user_passwd": ("修改密码", "change a password"),
    "auth.action.user_role": ("修改角色", "change a role"),
    "auth.action.user_remove": ("删除用户", "remove a user"),
    "auth.action.restore": ("从备份恢复", "restore a backup"),
    # errors
    "auth.forbidden": ("用户 {user} 的角色是{role}，无权{action}",
                       "{user} ({role}) may not {action}"),
    "auth.bad_role": ("“{role}”不是角色（可选：{roles}）",
                      "{role!r} is not a role (choose one of {roles})"),
    "auth.bad_user_name": ("用户名“{name}”无效（1–200 个字符，首尾不能有空格）",
                           "user name {name!r} is not valid (1–200 characters, "
                           "no spaces at the ends)"),
    "auth.short_password": ("密码至少需要 {minimum} 个字符",
                            "a password needs at least {minimum} characters"),
    "auth.user_exists": ("用户“{name}”已存在", "user {name!r} already exists"),
    "auth.unknown_user": ("没有用户“{name}”", "there is no user {name!r}"),
    "auth.bad_credentials": ("用户名或密码错误", "wrong user name or password"),
    "auth.throttled": ("登录失败次数过多，请等待 {seconds} 秒后再试",
                       "too many failed sign-ins: wait {seconds} seconds and try again"),
    "auth.no_password": ("请从标准输入提供密码（--password-stdin）",
                         "give the password on standard input (--password-stdin)"),
    "auth.oidc_unknown": ("{name} 已通过单点登录验证，但没有分配角色；请联系管理员添加该用户",
                          "{name} signed in through single sign-on but has no role; "
                          "ask an administrator to add the user"),
    # decisions
    "decision.not_solved": ("方案“{name}”第 {version} 版尚未得到最优解，不能提交审批",
                            "version {version} of {name!r} has no optimal solve to submit"),
    "decision.pending": ("方案“{name}”第 {version} 版已提交审批（决定 {id}），正在等待审批",
                         "version {version} of {name!r} is already awaiting approval "
                         "(decision {id})"),
    "decision.already_approved": ("方案“{name}”第 {version} 版已获批准（决定 {id}），"
                                  "如需修改请保存新版本",
                                  "version {version} of {name!r} is approved (decision {id}); "
                                  "save a new version to change it"),
    "decision.unknown": ("没有编号为 {id} 的决定", "there is no decision {id}"),
    "decision.frozen": ("决定 {id} 已审批完毕（{status}），不能再更改",
                        "decision {id} is {status} and can no longer change"),
    "decision.own_submission": ("决定 {id} 是您本人提交的，须由另一位审批人审批",
                                "you submitted decision {id}: another approver must decide it"),
    "decision.comment_needed": ("驳回时请填写意见", "a rejection needs a comment"),
    "decision.corrupt": ("决定 {id} 保存的结果已损坏（校验值不符）",
                         "the result kept with decision {id} is damaged (its digest differs)"),
    "decision.status.submitted": ("待审批", "awaiting approval"),
    "decision.status.approved": ("已批准", "approved"),
    "decision.status.rejected": ("已驳回", "rejected"),
}

TEXTS.update({
    # backups and the chain check (store backup / restore / verify)
    "backup.not_a_backup": ("{path} 不是 voucher-opt 的备份文件",
                            "{path} is not a voucher-opt backup"),
    "backup.damaged": ("备份 {path} 已损坏：表 {table} 的校验值不符",
                       "backup {path} is damaged: table {table} does not match its digest"),
    "backup.schema": ("备份 {path} 的结构版本为 {found}，本程序的方案库为 {known}，无法恢复",
                      "backup {path} has schema version {found}; this store has {known}"),
    "backup.not_empty": ("目标方案库 {url} 不是空的（表 {table} 已有数据），请恢复到新的空数据库",
                         "the target store {url} is not empty (table {table} has rows); "
                         "restore into a new, empty database"),
    "backup.chain_broken": ("备份 {path} 中的审计日志在第 {seq} 条断开，未恢复任何数据",
                            "the audit log in backup {path} breaks at entry {seq}; "
                            "nothing was restored"),
    "backup.written": ("已备份到 {path}：{rows} 行，审计日志末条校验值 {head}",
                       "backed up to {path}: {rows} rows, audit head {head}"),
    "backup.restored": ("已从 {path} 恢复：{rows} 行，审计日志完整",
                        "restored from {path}: {rows} rows, audit log intact"),
    "audit.verified": ("审计日志完整：共 {count} 条，末条校验值 {head}",
                       "the audit log is intact: {count} entries, head {head}"),
    "audit.broken.hash": ("审计日志在第 {seq} 条断开：该条内容已被改动（校验值不符）。"
                          "此前 {count} 条完整",
                          "the audit log breaks at entry {seq}: its content was changed "
                          "(hash differs). The {count} entries before it are intact"),
    "audit.broken.prev_hash": ("审计日志在第 {seq} 条断开：它记录的上一条校验值不符"
                               "（上一条被改动或替换）。此前 {count} 条完整",
                               "the audit log breaks at entry {seq}: the previous hash it holds "
                               "differs (the entry before was changed or replaced). "
                               "The {count} entries before it are intact"),
    "audit.broken.missing": ("审计日志在第 {seq} 条断开：该条缺失（被删除）。此前 {count} 条完整",
                             "the audit log breaks at entry {seq}: it is missing (deleted). "
                             "The {count} entries before it are intact"),
    # users commands
    "users.added": ("已添加用户 {name}（{role}）", "added user {name} ({role})"),
    "users.changed": ("已修改用户 {name} 的密码", "changed the password of {name}"),
    "users.role_changed": ("用户 {name} 的角色已改为{role}", "user {name} is now {role}"),
    "users.removed": ("已删除用户 {name}", "removed user {name}"),
    "users.empty": ("还没有用户。添加用户：{command}", "no users yet. Add one: {command}"),
    "users.head.name": ("用户名", "name"),
    "users.head.role": ("角色", "role"),
    "users.head.password": ("密码", "password"),
    "users.head.changed": ("修改时间", "changed"),
    "users.password.yes": ("已设置", "set"),
    "users.password.no": ("无（仅单点登录）", "none (single sign-on only)"),
})

TEXTS.update({
    # the approval stamp in the report (summary and audit block)
    "stamp.decision": ("审批", "Approval"),
    "stamp.line.approved": ("已批准：{submitted_by} 于 {submitted_at} 提交，{decided_by} 于 "
                            "{decided_at} 批准（决定 {decision}）",
                            "approved: submitted by {submitted_by} at {submitted_at}, approved "
                            "by {decided_by} at {decided_at} (decision {decision})"),
    "stamp.line.submitted": ("待审批：{submitted_by} 于 {submitted_at} 提交（决定 {decision}），"
                             "尚未批准",
                             "awaiting approval: submitted by {submitted_by} at {submitted_at} "
                             "(decision {decision}), not approved yet"),
    "stamp.line.rejected": ("已驳回：{submitted_by} 于 {submitted_at} 提交，{decided_by} 于 "
                            "{decided_at} 驳回（决定 {decision}）",
                            "rejected: submitted by {submitted_by} at {submitted_at}, rejected "
                            "by {decided_by} at {decided_at} (decision {decision})"),
    "stamp.decision_id": ("决定编号", "Decision"),
    "stamp.status": ("审批状态", "Approval status"),
    "stamp.scenario": ("方案及版本", "Scenario and version"),
    "stamp.submitted_by": ("提交人", "Submitted by"),
    "stamp.submitted_at": ("提交时间", "Submitted at"),
    "stamp.note": ("提交说明", "Submission note"),
    "stamp.decided_by": ("审批人", "Decided by"),
    "stamp.decided_at": ("审批时间", "Decided at"),
    "stamp.comment": ("审批意见", "Comment"),
    "stamp.scenario_digest": ("方案校验值", "Scenario digest"),
    "stamp.result_digest": ("结果校验值", "Result digest"),
    "stamp.audit_hash": ("审计日志条目校验值", "Audit entry hash"),
})

TEXTS.update({
    # the sign-in page and the signed-in user in the sidebar
    "auth.ui.language": ("语言", "Language"),
    "auth.ui.title": ("算力券分配 · 登录", "Voucher allocation · Sign in"),
    "auth.ui.user": ("用户名", "User name"),
    "auth.ui.password": ("密码", "Password"),
    "auth.ui.sign_in": ("登录", "Sign in"),
    "auth.ui.sso": ("使用单位统一身份认证登录", "Sign in with the office account (single sign-on)"),
    "auth.ui.help": ("没有账号或忘记密码，请联系系统管理员。",
                     "No account, or forgot the password? Ask the administrator."),
    "auth.ui.signed_in": ("当前用户：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth.ui.sign_out": ("退出登录", "Sign out"),
    "auth.signed_out": ("请先登录", "sign in first"),
})

TEXTS.update({
    # the approval and audit pages
    "app.nav.approval": ("审批", "Approval"),
    "app.nav.audit": ("审计日志", "Audit log"),
    "auth.ui.approval.title": ("审批", "Approval"),
    "auth.ui.submit.title": ("提交审批", "Submit for approval"),
    "auth.ui.submit.unsolved": ("请先求解当前方案并得到最优解，再提交审批",
                                "solve the scenario on screen (to an optimal result) before "
                                "submitting it"),
    "auth.ui.submit.version": ("将提交：方案“{name}”第 {version} 版及其求解结果",
                               "to submit: version {version} of {name!r} and its result"),
    "auth.ui.submit.new_version": ("当前方案尚未保存为版本：提交时将先保存为“{name}”的新版本",
                                   "the work on screen is not a stored version yet: submitting "
                                   "saves it as a new version of {name!r} first"),
    "auth.ui.submit.note": ("提交说明", "Note for the approver"),
    "auth.ui.submit.button": ("提交审批", "Submit for approval"),
    "auth.ui.submitted": ("已提交：决定 {id}（方案“{name}”第 {version} 版）",
                          "submitted: decision {id} (version {version} of {name!r})"),
    "auth.ui.decided": ("决定 {id}：{status}", "decision {id}: {status}"),
    "auth.ui.pending.title": ("待审批", "Awaiting approval"),
    "auth.ui.pending.none": ("没有待审批的决定", "nothing awaits approval"),
    "auth.ui.pending.item": ("**决定 {id}** · 方案“{name}”第 {version} 版 · {by} 提交于 {at}",
                             "**Decision {id}** · {name!r} version {version} · submitted by "
                             "{by} at {at}"),
    "auth.ui.comment": ("审批意见", "Comment"),
    "auth.ui.approve": ("批准", "Approve"),
    "auth.ui.reject": ("驳回", "Reject"),
    "auth.ui.decisions.title": ("全部决定", "All decisions"),
    "auth.ui.decisions.none": ("还没有提交过决定", "no decision has been submitted yet"),
    "auth.ui.audit.title": ("审计日志", "Audit log"),
    "auth.ui.audit.sheet": ("审计日志", "Audit log"),
    "auth.ui.audit.any": ("全部", "any"),
    "auth.ui.audit.dates": ("日期范围", "Dates"),
    "auth.ui.audit.count": ("共 {n} 条", "{n} entries"),
    "auth.ui.audit.export": ("导出为 Excel", "Export to Excel"),
    "auth.ui.audit.col.seq": ("序号", "No."),
    "auth.ui.audit.col.at": ("时间", "Time"),
    "auth.ui.audit.col.actor": ("用户", "User"),
    "auth.ui.audit.col.role": ("角色", "Role"),
    "auth.ui.audit.col.action": ("操作", "Action"),
    "auth.ui.audit.col.target": ("对象", "Target"),
    "auth.ui.audit.col.details": ("详情", "Details"),
    "auth.ui.audit.col.hash": ("校验值", "Hash"),
    "auth.ui.audit.col.prev": ("上一条校验值", "Previous hash"),
})

TEXTS.update({
    "auth.serve.no_sign_in": (
        "不能在 {address} 上提供服务：非本机地址要求用户登录，但尚未设置任何登录方式。\n"
        "请先添加本地用户：{command}\n"
        "（角色：viewer 查看者、analyst 分析员、approver 审批人），\n"
        "或在 {secrets} 中配置 [auth]（单位统一身份认证），然后重新启动。",
        "cannot serve on {address}: an address other than loopback needs sign-in, and none "
        "is set up.\nAdd a local user first: {command}\n"
        "(roles: viewer, analyst, approver),\n"
        "or configure [auth] (single sign-on) in {secrets}, then start again."),
})
