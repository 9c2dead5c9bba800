"""Words of the scenario files: where a problem is, what is wrong, and how to fix it.

Keys start with ``input.``. Fields are filled by :class:`inputs.errors.InputError`;
a field holding an ``input.kind.*`` key is rendered in the reader's language.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # where, and how a line is put together
    "input.where.cell": ("{sheet}!{cell}", "{sheet}!{cell}"),
    "input.where.sheet_row": ("{sheet} 第 {row} 行", "{sheet} row {row}"),
    "input.where.sheet": ("工作表“{sheet}”", "sheet '{sheet}'"),
    "input.where.row": ("第 {row} 行", "row {row}"),
    "input.line.file": ("{file}：{text}", "{file}: {text}"),
    "input.line.located": ("{where}：{what}", "{where}: {what}"),
    "input.line.sheet": ("{where}{what}", "{where} {what}"),
    "input.line.key": ("{key}：{what}", "{key}: {what}"),
    # kinds of cell values
    "input.kind.number": ("数字", "a number"),
    "input.kind.text": ("文本", "text"),
    "input.kind.date": ("日期", "a date"),
    "input.kind.time": ("时间", "a time"),
    "input.kind.bool": ("逻辑值", "a boolean"),
    # cells
    "input.blank.required": ("为空，此项必填", "is blank; a value is required"),
    "input.number.min": ("应 ≥ {low}，实际为 {got}", "must be ≥ {low}, got {got}"),
    "input.number.range": ("应在 {low} 到 {high} 之间，实际为 {got}",
                           "must be between {low} and {high}, got {got}"),
    "input.number.not_number": ("应为数字，实际为 {got}", "must be a number, got {got}"),
    "input.number.not_finite": ("应为有限的数字，实际为 {got}",
                                "must be a finite number, got {got}"),
    "input.number.decimal_comma": (
        "{got} 有歧义：逗号可能是小数点；小数请写作 {point}（用句点），整数请去掉逗号",
        "{got} is ambiguous: the comma may be a decimal comma; write {point} (with a point) "
        "for a decimal, or the whole number without a comma"),
    "input.number.grouping": (
        "{got} 有歧义：千位分隔符的位置不对（应每三位一个）；请去掉分隔符后重写",
        "{got} is ambiguous: its thousands separators are not every three digits; "
        "write the number without separators"),
    "input.type.mixed": ("应为{expected}，实际为{kind} {got}",
                         "must be {expected}, got {kind} {got}"),
    "input.date.bad": ("应为日期（如 2024-03-15），实际为 {got}",
                       "must be a date such as 2024-03-15, got {got}"),
    "input.labels.bad": ("应为以下之一：{allowed}；实际为 {got}",
                         "must be one of {allowed}, got {got}"),
    "input.cell.formula": (
        "是公式 {got}，但文件里没有保存它的计算结果；请用 Excel 或 WPS 打开该文件、保存后再上传",
        "holds the formula {got} with no saved value; open the file in Excel or WPS, "
        "save it and upload it again"),
    "input.cell.error": (
        "是错误值 {got}；请改正产生它的公式，或直接填入数值",
        "holds the error value {got}; correct the formula that gives it, or type the value"),
    # firm ids
    "input.id.duplicate": ("{got} 已在第 {first_row} 行使用（企业编号不能重复）",
                           "{got} is already used in row {first_row}"),
    "input.id.same_key": (
        "{got} 与第 {first_row} 行的 {first} 是同一个企业编号（比较时不分全角半角、大小写、"
        "首尾空格、"
        "不可见字符与数字编号的前导零，均按 {id_key} 计）",
        "{got} is the same firm id as {first} in row {first_row} (ids are compared ignoring "
        "full/half width, case, surrounding spaces, invisible characters and leading zeros "
        "of digit ids: both are {id_key})"),
    "input.id.kind": ("不能作为企业编号：这是{kind} {got}；请把编号填成文本",
                      "cannot be a firm id: it is {kind} {got}; type the id as text"),
    "input.id.precision": (
        "编号 {got} 位数太多，存成数字会丢失末几位；请把该列设为文本格式后重新填写编号",
        "the id {got} has too many digits to be stored as a number (the last digits are lost); "
        "format the column as text and type the ids again"),
    "input.id.check_digit": (
        "{got} 看起来是统一社会信用代码，但校验码应为 {expected}，不是 {actual}（GB 32100-2015），"
        "多半是录入错误",
        "{got} looks like a unified social credit code, but its check character should be "
        "{expected}, not {actual} (GB 32100-2015): probably a typo"),
    # headers and sheets
    "input.header.twice": ("列 {name} 出现了两次（另见第 {first} 列）",
                           "column {name} is given twice (also in column {first})"),
    "input.header.missing": (
        "缺少必需的列 {wanted}；找到的表头：{found}；最接近的是 {closest}",
        "required column {wanted} is missing; headers found: {found}; closest: {closest}"),
    "input.header.missing_program": (
        "缺少必需的列 {wanted}（政策中有 budget.{program}）；找到的表头：{found}；"
        "最接近的是 {closest}",
        "required column {wanted} is missing (the policy has budget.{program}); "
        "headers found: {found}; closest: {closest}"),
    "input.header.wan_not_money": (
        "表头 {header} 标为万元，但此列不是金额；请删去单位",
        "the header {header} gives a unit of 10,000 yuan, but this column is not an amount; "
        "remove the unit"),
    "input.header.override_program": (
        "调整列 {header} 所指的券种在政策中没有资金池（现有券种：{programs}）；"
        "最接近的是 {closest}",
        "the override column {header} names a program the policy has no pool for "
        "(programs: {programs}); closest: {closest}"),
    "input.sheet.missing": ("缺失（找到的工作表：{found}）",
                            "is missing (sheets found: {found})"),
    "input.sheet.ambiguous": (
        "有两个工作表都可能是它：{first} 和 {second}；请删除或重命名其中一个",
        "could be either of two sheets, {first} and {second}; delete or rename one of them"),
    "input.sheet.empty": ("为空（需要表头行）", "is empty (it needs a header row)"),
    "input.sheet.no_rows": ("没有企业数据行", "has no firm rows"),
    # the policy sheet (what is wrong with a key or its value: policy.* in policy.py)
    "input.policy.header": ("需要包含 key（键）和 value（值）两列的表头行",
                            "needs a header row with the columns key and value"),
    "input.policy.key_blank": ("为空，但该行有值", "is blank but the row has a value"),
    "input.policy.twice": ("重复出现（第 {first} 行已有）", "appears twice (also in row {first})"),
    "input.policy.reserved": (
        "券种名 {program} 是保留字（与表格的列名冲突）；请换一个名称。保留字：{reserved}",
        "the program name {program} is reserved (it is a column name); choose another. "
        "Reserved: {reserved}"),
    "input.policy.program_name": (
        "券种名 {program} 只能由小写英文字母、数字和下划线组成，并以字母开头",
        "the program name {program} must be lower-case letters, digits and underscores, "
        "starting with a letter"),
    # files
    "input.file.missing": ("文件不存在（{path}）", "no such file ({path})"),
    "input.file.unreadable": ("无法读取文件：{detail}", "cannot read the file: {detail}"),
    "input.file.type": ("不支持的文件类型 {suffix}（请用 {allowed}）",
                        "unsupported file type {suffix} (use {allowed})"),
    "input.file.workbook_unreadable": (
        "无法读取工作簿（读取程序报告：{detail}）；请用 Excel 或 WPS 另存后再上传",
        "cannot read the workbook (the reader reports: {detail}); save it again from Excel or "
        "WPS and upload it again"),
    "input.file.not_workbook": (
        "不是 Excel、WPS 或 LibreOffice 的工作簿；请确认上传的是方案工作簿（.xlsx）"
        "或企业名单（.csv）",
        "is not an Excel, WPS or LibreOffice workbook; check that it is the scenario workbook "
        "(.xlsx) or the firm list (.csv)"),
    "input.file.bad_address": (
        "有单元格的地址含有字母和数字以外的字符（地址应如 B7），文件可能已损坏；"
        "请用 Excel 或 WPS 另存后再上传",
        "has a cell whose address holds characters other than letters and digits (an address "
        "looks like B7): the file may be damaged; save it again from Excel or WPS and upload it "
        "again"),
    "input.file.xlsb": (
        "这是 Excel 二进制工作簿（.xlsb），无法在读取前检查；请在 Excel 中另存为 .xlsx 后再上传",
        "this is an Excel binary workbook (.xlsb), which cannot be checked before it is read; "
        "save it as .xlsx in Excel and upload it again"),
    "input.file.sheet_missing": (
        "列在工作簿中，但文件里没有它的内容；文件可能已损坏，请用 Excel 或 WPS 另存后再上传",
        "is listed in the workbook but its content is not in the file: the file may be damaged; "
        "save it again from Excel or WPS and upload it again"),
    "input.file.sheet_damaged": (
        "的内容不完整或已损坏，无法读取（可能未传完或被截断）；请用 Excel 或 WPS 另存后再上传",
        "has content that is incomplete or damaged and cannot be read (perhaps cut short); "
        "save the file again from Excel or WPS and upload it again"),
    "input.file.damaged": (
        "文件不完整或已损坏，无法作为工作簿打开（可能未传完或被截断）；"
        "请用 Excel 或 WPS 重新保存后再上传",
        "the file is incomplete or damaged and cannot be opened as a workbook (perhaps cut short "
        "in transfer); save it again from Excel or WPS and upload it again"),
    "input.file.csv_unreadable": ("无法读取 CSV：{detail}", "cannot read the CSV: {detail}"),
    "input.file.encrypted": (
        "工作簿设有打开密码，无法读取；请在 Excel 或 WPS 中取消密码（文件 › 信息 › 保护工作簿 › "
        "用密码进行加密，清空密码）并保存后再上传",
        "the workbook is protected by a password and cannot be read; remove the password in "
        "Excel or WPS (File › Info › Protect Workbook › Encrypt with Password, clear it), "
        "save and upload again"),
    "input.csv.big5": (
        "看起来是 Big5（繁体中文）编码的文本；请另存为 UTF-8（Excel：另存为 › CSV UTF-8）后再上传",
        "looks like Big5 (traditional Chinese) text; save it as UTF-8 "
        "(Excel: Save As › CSV UTF-8) and upload it again"),
    "input.csv.encoding": (
        "既不是 UTF-8、UTF-16 也不是 GB18030 编码的文本；请另存为 UTF-8 后再上传",
        "is neither UTF-8, UTF-16 nor GB18030 text; save it as UTF-8 and upload it again"),
    # application rounds: the previous round's report and the ledger of lapsed vouchers
    "input.round.no_awards": (
        "没有分配明细工作表（{sheets}）：它不是已求解批次的报告",
        "has no allocations sheet ({sheets}): it is not the report of a solved round"),
    "input.round.unknown_firm": ("企业 {got} 不在该报告的企业工作表中",
                                 "firm {got} is not in the report's firms sheet"),
    "input.round.not_awarded": ("企业 {got} 在上一批次没有获得资助，不能有失效金额",
                                "{got} had no award in the previous round, so nothing of it "
                                "can lapse"),
    "input.round.lapsed_too_much": (
        "该企业此券种累计失效 {lapsed} 元，超过了所获资助 {awarded} 元",
        "{lapsed} yuan lapsed in all, more than the {awarded} yuan awarded"),
    # guards (limits)
    "input.guard.file_size": (
        "文件大小 {size} MB，超过上限 {limit} MB（超出 {over} MB）；请删去无关的工作表，"
        "或把企业分成几个文件",
        "the file is {size} MB, over the limit of {limit} MB by {over} MB; delete other sheets "
        "or split the firms into several files"),
    "input.guard.members": (
        "压缩包内有 {count} 个部件，超过上限 {limit}（超出 {over}）；这不像正常的工作簿，"
        "请用 Excel 或 WPS 另存后再上传",
        "the workbook's zip holds {count} parts, over the limit of {limit} by {over}; this is "
        "not how a workbook looks: save it again from Excel or WPS"),
    "input.guard.unpacked": (
        "解压后有 {size} MB，超过上限 {limit} MB（超出 {over} MB）；请删去无关的工作表或内容",
        "the workbook unpacks to {size} MB, over the limit of {limit} MB by {over} MB; "
        "delete other sheets or content"),
    "input.guard.ratio": (
        "部件 {part} 的压缩比为 {ratio}:1，超过上限 {limit}:1，像是压缩炸弹；"
        "请用 Excel 或 WPS 另存后再上传",
        "the part {part} is compressed {ratio}:1, over the limit of {limit}:1, as a zip bomb "
        "is; save the file again from Excel or WPS"),
    "input.guard.dimension": (
        "声明的数据范围到 {ref}，超过上限（{rows} 行、{columns} 列）；请删除表外多余的单元格"
        "（Ctrl+End 可定位），保存后再上传",
        "declares its data up to {ref}, beyond the limit of {rows} rows and {columns} columns; "
        "delete the stray cells outside the table (Ctrl+End finds them), save and upload again"),
    "input.guard.far_cell": (
        "在 {ref} 有一个远离表格的单元格，超过上限（{rows} 行、{columns} 列）；请删除它"
        "（Ctrl+End 可定位），保存后再上传",
        "has a cell at {ref}, far outside the table and beyond the limit of {rows} rows and "
        "{columns} columns; delete it (Ctrl+End finds it), save and upload again"),
    "input.guard.far_row": (
        "有一行编号为 {ref}，远离表格，超过上限（{rows} 行、{columns} 列）；请删除该行"
        "（Ctrl+End 可定位），保存后再上传",
        "has a row numbered {ref}, far outside the table and beyond the limit of {rows} rows "
        "and {columns} columns; delete it (Ctrl+End finds it), save and upload again"),
    "input.guard.part": (
        "部件 {part} 解压后与压缩包目录记载的大小或校验和不符：文件已损坏或被篡改（也可能是"
        "压缩炸弹）；请用 Excel 或 WPS 另存后再上传",
        "the part {part} does not unpack to the size and checksum its zip directory declares: "
        "the file is damaged or crafted (possibly a zip bomb); save it again from Excel or WPS"),
    "input.guard.ods_repeat": (
        "有一行或一个单元格重复了 {count} 次，超过上限 {limit}；请删除多余的内容后保存",
        "repeats a row or a cell {count} times, over the limit of {limit}; delete the extra "
        "content and save again"),
    "input.guard.no_address": (
        "有单元格或行没有写明地址（如 A1），无法在读取前确认表格的范围；请用 Excel 或 WPS "
        "打开并保存后再上传",
        "has cells or rows without an address (such as A1), so the table's extent cannot be "
        "checked before reading; open the file in Excel or WPS, save it and upload it again"),
    "input.guard.cells": (
        "有 {count} 个单元格，超过上限 {limit}（超出 {over}）；"
        "请把企业分成几个文件，或删除多余的列",
        "holds {count} cells, over the limit of {limit} by {over}; split the firms into several "
        "files or delete extra columns"),
    "input.guard.elements": (
        "有超过 {limit} 个 XML 元素，远多于单元格所需，不像正常的工作表；"
        "请用 Excel 或 WPS 另存后再上传",
        "holds over {limit} XML elements, far more than its cells need: this does not look like "
        "a normal sheet; save it again from Excel or WPS and upload it again"),
    "input.guard.strings": (
        "部件 {part} 声明有 {count} 个不同的文本，超过上限 {limit}；这不像正常的工作簿，"
        "请用 Excel 或 WPS 另存后再上传",
        "the part {part} declares {count} distinct texts, over the limit of {limit}; this does "
        "not look like a normal workbook: save it again from Excel or WPS and upload it again"),
    "input.guard.table": (
        "有 {rows} 行、{columns} 列，超过上限（{limit_rows} 行、{limit_columns} 列，"
        "共 {limit_cells} 个单元格）；请把企业分成几个文件，或删除多余的列",
        "has {rows} rows and {columns} columns, over the limit of {limit_rows} rows, "
        "{limit_columns} columns and {limit_cells} cells; split the firms into several files "
        "or delete extra columns"),
    # warnings
    "input.warn.wan_column": (
        "表头 {header} 的单位是万元：此列金额已乘以 10,000 换算为元",
        "the header {header} is in units of 10,000 yuan: its amounts were multiplied by "
        "10,000"),
    "input.warn.small_pool": (
        "资金池只有 {amount} 元，不到 1 万元；单位是否填错（应为元，不是万元）？",
        "the pool is only {amount} yuan, under 10,000 yuan; is the unit right (yuan, not "
        "10,000 yuan)?"),
    "input.warn.huge_pool": (
        "资金池达 {amount} 元（≥ 1 万亿元）；单位是否填错？",
        "the pool is {amount} yuan (10¹² or more); is the unit right?"),
    "input.warn.huge_request": (
        "申请额达 {amount} 元（≥ 1 万亿元，共 {count} 家企业）；单位是否填错？",
        "the request is {amount} yuan (10¹² or more; {count} firms like it); is the unit right?"),
}
