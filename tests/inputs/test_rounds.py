"""Three application rounds on the built-in scenario, split by ``applied_on``, with lapses.

Each round is solved, its Excel report built, and the next round is built
from that report (awards read back from its allocations sheet), a lapse
ledger and the next batch of applicants, a few of them applying again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inputs import InputError
from inputs.builtin import default_scenario
from inputs.rounds import (
    next_round,
    parse_ledger,
    pool_status,
    read_applicants,
    read_ledger,
    read_previous,
)
from optimizer import Scenario, check_allocation, solve
from optimizer.analysis.explain import explain_firm
from ui.cli import main
from ui.report import build_report


def batches() -> tuple[Scenario, list[pd.DataFrame]]:
    """The built-in scenario and its firms in three batches by application date."""
    scenario = default_scenario()
    firms = scenario.firms.sort_values("applied_on", kind="stable")
    cut = np.array_split(np.arange(len(firms)), 3)
    return scenario, [firms.iloc[c].reset_index(drop=True) for c in cut]


def ledger_csv(rows: list[tuple[str, str, float]]) -> bytes:
    lines = ["企业编号,券种,失效金额"] + [f"{f},{p},{a:.2f}" for f, p, a in rows]
    return "\n".join(lines).encode()


@pytest.fixture(scope="module")
def rounds():
    base, (first, second, third) = batches()
    policy = base.policy.with_values(reserves=(("model", 0.5), ("training", 0.4)))
    results = [solve(Scenario(first, policy, "round1"))]
    lapses = []
    scenarios = [results[0].scenario]
    for k, batch in enumerate((second, third), start=2):
        previous = results[-1]
        report = build_report(previous, lang="zh" if k == 2 else "en")
        prior = read_previous(report, f"round{k - 1}.xlsx")
        np.testing.assert_array_equal(prior.awards, np.round(previous.amounts, 2))
        funded = np.flatnonzero(prior.awards[:, 1] > 0)
        ids = prior.scenario.firms["firm_id"].astype(str).to_numpy()
        # the first three training awardees lose a third of their training voucher
        lapse = [(ids[i], "训力券" if k == 2 else "training", prior.awards[i, 1] / 3)
                 for i in funded[:3]]
        lapsed = read_ledger(ledger_csv(lapse), "ledger.csv", prior)
        # two awardees apply again with new requests
        again = prior.scenario.firms.iloc[funded[-2:]].copy()
        again["training_request"] = 2e6
        again["model_request"] = 0.0
        applicants = pd.concat([batch, again[batch.columns]], ignore_index=True)
        scenario = next_round(prior, applicants, lapsed, name=f"round{k}")
        if k == 3:
            scenario = scenario.with_policy(scenario.policy.with_values(reserves=()))
        results.append(solve(scenario))
        lapses.append((prior, lapsed, [ids[i] for i in funded[-2:]]))
        scenarios.append(scenario)
    return results, lapses, scenarios


def test_every_round_is_solved_and_feasible(rounds):
    results, _, _ = rounds
    for result in results:
        assert result.optimal, result.diagnosis
        assert check_allocation(result.scenario, result.amounts) == []


def test_commitments_are_honoured_exactly(rounds):
    results, lapses, _ = rounds
    for result, (prior, lapsed, again) in zip(results[1:], lapses, strict=True):
        now = result.scenario.firms["firm_id"].astype(str).tolist()
        before = prior.scenario.firms["firm_id"].astype(str).tolist()
        for i, firm in enumerate(before):
            owed = np.round(prior.awards[i] - lapsed[i], 2)
            if prior.awards[i].sum() == 0:
                continue
            got = result.amounts[now.index(firm)]
            if firm in again:  # applying again: at least the commitment, new money on top
                assert (got >= owed - 0.01).all()
            else:
                np.testing.assert_array_equal(got, owed)


def test_a_firm_applying_again_is_one_row_with_its_requests_added(rounds):
    results, lapses, _ = rounds
    prior, _, again = lapses[0]
    firms = results[1].scenario.firms
    ids = firms["firm_id"].astype(str)
    for firm in again:
        assert (ids == firm).sum() == 1
        before = prior.scenario.firms.set_index("firm_id").loc[firm, "training_request"]
        assert firms[ids == firm]["training_request"].iloc[0] == before + 2e6


def test_no_pool_is_overspent_across_rounds(rounds):
    results, _, _ = rounds
    for result in results:
        for program, budget in result.scenario.policy.budgets:
            assert result.spend(program) <= budget + 1.0


def test_the_reserve_holds_back_money_in_early_rounds(rounds):
    results, _, _ = rounds
    first = results[0]
    # round 1: nothing committed, so at most 60% of the training pool and 50% of model
    assert first.spend("training") <= 0.6 * 500e6 + 1
    assert first.spend("model") <= 0.5 * 100e6 + 1
    status = {p.program: p for p in pool_status(results[1].scenario)}
    committed = status["training"].committed
    assert status["training"].reserve == pytest.approx(0.4 * (500e6 - committed))
    assert results[1].spend("training") <= committed + 0.6 * (500e6 - committed) + 1


def test_the_final_totals_are_the_last_rounds_result(rounds):
    results, lapses, _ = rounds
    last = results[-1]
    totals = dict(zip(last.scenario.firms["firm_id"].astype(str), last.amounts.tolist(),
                      strict=True))
    # every firm funded in round 1 and never lapsed nor applying again keeps its award
    first = results[0]
    lapsed_ids = {f for prior, lapsed, _ in lapses
                  for f, row in zip(prior.scenario.firms["firm_id"].astype(str), lapsed,
                                    strict=True) if row.sum() > 0}
    again = {f for _, _, ids in lapses for f in ids}
    for firm, award in zip(first.scenario.firms["firm_id"].astype(str), first.amounts.tolist(),
                           strict=True):
        if sum(award) > 0 and firm not in lapsed_ids | again:
            assert totals[firm] == award
    # the pools hold exactly what the last round shows, nothing outside it
    for j, (program, budget) in enumerate(last.scenario.policy.budgets):
        assert last.spend(program) == pytest.approx(last.amounts[:, j].sum())
        assert last.spend(program) <= budget + 1


def test_a_carried_firm_is_explained_as_pinned_with_its_note(rounds):
    results, lapses, _ = rounds
    prior, lapsed, _ = lapses[0]
    i = int(np.flatnonzero(lapsed[:, 1] > 0)[0])
    firm = str(prior.scenario.firms["firm_id"].iloc[i])
    explanation = explain_firm(results[1], firm)
    assert explanation.reason == "pinned"
    assert "备注：上一批次承诺" in explanation.text_zh


def test_the_ledger_names_its_bad_rows(rounds):
    _, lapses, _ = rounds
    prior = lapses[0][0]
    unfunded = str(prior.scenario.firms["firm_id"][prior.awards.sum(axis=1) == 0].iloc[0])
    funded = int(np.flatnonzero(prior.awards[:, 1] > 0)[0])
    firm = str(prior.scenario.firms["firm_id"].iloc[funded])
    raw = pd.DataFrame([["firm_id", "program", "lapsed"], ["NOPE", "training", "1"]])
    with pytest.raises(InputError) as err:
        parse_ledger(raw, prior, "ledger.csv")
    assert (err.value.row, err.value.column) == (2, "firm_id")
    too_much = prior.awards[funded, 1] + 100
    raw = pd.DataFrame([["firm_id", "program", "lapsed"], [firm, "training", str(too_much)]])
    with pytest.raises(InputError, match="more than the"):
        parse_ledger(raw, prior, "ledger.csv")
    raw = pd.DataFrame([["firm_id", "program", "lapsed"], [firm, "语料券", "1"]])
    with pytest.raises(InputError, match="must be one of model, training"):
        parse_ledger(raw, prior, "ledger.csv")
    del unfunded


def test_round_next_on_the_command_line(tmp_path, capsys):
    base, (first, second, _) = batches()
    round1 = solve(Scenario(first, base.policy, "round1"))
    (tmp_path / "r1.xlsx").write_bytes(build_report(round1))
    second.to_csv(tmp_path / "new.csv", index=False)
    prior = read_previous((tmp_path / "r1.xlsx").read_bytes(), "r1.xlsx")
    i = int(np.flatnonzero(prior.awards[:, 1] > 0)[0])
    firm = str(prior.scenario.firms["firm_id"].iloc[i])
    (tmp_path / "lapsed.csv").write_bytes(ledger_csv([(firm, "training", 1000.0)]))
    code = main(["round", "next", str(tmp_path / "r1.xlsx"), str(tmp_path / "new.csv"),
                 "--lapsed", str(tmp_path / "lapsed.csv"), "--reserve.training", "20%",
                 "--out", str(tmp_path / "r2.xlsx"), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == 0
    committed = round(prior.awards[:, 1].sum() - 1000.0, 2)
    assert out.splitlines()[1].startswith(
        "training vouchers: pool ¥500.0M, committed ¥" + f"{committed / 1e6:,.1f}M, lapsed "
        "and returned ¥1.0k, available this round")
    from inputs import load_scenario
    loaded = load_scenario(tmp_path / "r2.xlsx")
    assert loaded.policy.reserve("training") == 0.2
    assert len(loaded.firms) == int((prior.awards.sum(axis=1) > 0).sum()) + len(second)
    row = loaded.firms.set_index("firm_id").loc[firm]
    assert row["fixed.training"] == pytest.approx(prior.awards[i, 1] - 1000.0, abs=0.01)
    assert solve(loaded).optimal
    # a new applicants workbook is read from its firms sheet
    assert len(read_applicants((tmp_path / "r2.xlsx").read_bytes(), "r2.xlsx", prior)) == len(
        loaded.firms)


def test_round_next_refuses_a_store_reference_and_a_workbook_without_awards(tmp_path, capsys):
    assert main(["round", "next", "store:plan@3", "x.csv", "--out",
                 str(tmp_path / "n.xlsx")]) == 2
    from inputs import write_scenario
    (tmp_path / "plain.xlsx").write_bytes(write_scenario(default_scenario()))
    with pytest.raises(InputError, match="no allocations sheet"):
        read_previous((tmp_path / "plain.xlsx").read_bytes(), "plain.xlsx")
    capsys.readouterr()


def test_no_awardee_is_lost_between_rounds(rounds):
    results, _, _ = rounds
    last = set(results[-1].scenario.firms["firm_id"].astype(str))
    for result in results[:-1]:
        funded = result.scenario.firms["firm_id"].astype(str)[result.totals > 0]
        assert set(funded) <= last
    # the last round pays every earlier round's award less what lapsed, and new awards
    first, second, third = results
    assert third.spend("training") >= second.spend("training") - 10e6  # lapses are small
    assert second.spend("training") >= first.spend("training") - 10e6


def test_ledger_and_report_errors_are_coded_and_located(rounds):
    _, lapses, _ = rounds
    prior = lapses[0][0]
    funded = int(np.flatnonzero(prior.awards[:, 1] > 0)[0])
    firm = str(prior.scenario.firms["firm_id"].iloc[funded])
    cases = [
        (["NOPE", "training", "1"], "input.round.not_awarded", "firm_id", "A2"),
        ([firm.lower() + "\u200b", "训力券", "1500000,5"], "input.number.decimal_comma",
         "lapsed", "C2"),
        ([firm, "语料券", "1"], "input.labels.bad", "program", "B2"),
        ([firm, "training", str(prior.awards[funded, 1] + 100)], "input.round.lapsed_too_much",
         "lapsed", "C2"),
        ([True, "training", "1"], "input.id.kind", "firm_id", "A2"),
    ]
    for row, code, column, cell in cases:
        raw = pd.DataFrame([["企业编号", "券种", "失效金额"], row])
        with pytest.raises(InputError) as err:
            parse_ledger(raw, prior, "ledger.csv", sheet=None)
        assert (err.value.code, err.value.row, err.value.column, err.value.cell) == (
            code, 2, column, cell)
        assert err.value.render("zh").startswith(f"ledger.csv：{cell} ")
    # an id in another form (case, invisible characters, ¥ and separators) is the same firm
    raw = pd.DataFrame([["firm_id", "program", "lapsed"],
                        [f" {firm.lower()}\u200b", "训力券", "¥1,000"]])
    assert parse_ledger(raw, prior, "ledger.csv")[funded, 1] == 1000.0
    raw = pd.DataFrame([["firm_id", "programme", "lapsed"]])
    with pytest.raises(InputError) as err:
        parse_ledger(raw, prior, "ledger.csv")
    assert (err.value.code, err.value.column, err.value.row) == (
        "input.header.missing", "program", 1)
    assert "closest: programme" in err.value.message
    assert "缺少必需的列 program (券种)" in err.value.message_zh


def test_round_next_bad_arguments_exit_2_in_the_chosen_language(tmp_path, capsys):
    base, (first, second, _) = batches()
    (tmp_path / "r1.xlsx").write_bytes(build_report(solve(Scenario(first, base.policy, "r1"))))
    second.to_csv(tmp_path / "new.csv", index=False)
    args = ["round", "next", str(tmp_path / "r1.xlsx"), str(tmp_path / "new.csv")]
    assert main([*args, "--reserve.training", "150%", "--out", str(tmp_path / "n.xlsx")]) == 2
    assert "--reserve.training 应为 0 到 1 之间的份额" in capsys.readouterr().err
    assert main([*args, "--reserve", "oil=0.1", "--out", str(tmp_path / "n.xlsx"),
                 "--lang", "en"]) == 2
    assert "--reserve: program oil has no pool" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "missing" / "n.xlsx")]) == 2
    assert "文件夹" in capsys.readouterr().err
    assert main([str(tmp_path / "nope.xlsx") if a.endswith("r1.xlsx") else a for a in args]
                + ["--out", str(tmp_path / "n.xlsx")]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert not (tmp_path / "n.xlsx").exists()


def test_a_built_round_is_a_valid_table_for_the_app():
    """The app re-checks its working table: blank override cells (NaN) are blanks there,
    a blank required number is still refused."""
    from inputs.firms import validate_firms

    base, (first, second, _) = batches()
    result = solve(Scenario(first, base.policy, "round1"))
    prior = read_previous(build_report(result, lang="zh"), "round1.xlsx")
    built = next_round(prior, second)
    assert built.firms["min.training"].isna().any()
    typed = validate_firms(built.firms, built.programs, sheet="firms")
    assert typed["fixed.training"].isna().sum() == built.firms["fixed.training"].isna().sum()
    broken = built.firms.copy()
    broken.loc[3, "score"] = np.nan
    with pytest.raises(InputError) as caught:
        validate_firms(broken, built.programs, sheet="firms")
    assert (caught.value.code, caught.value.row) == ("input.blank.required", 5)


def test_round_next_names_a_missing_input_file(tmp_path, capsys):
    """The round command reads its files through the same guarded reader as a scenario."""
    assert main(["round", "next", str(tmp_path / "gone.xlsx"), "x.csv", "--out",
                 str(tmp_path / "n.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "gone.xlsx" in err and "文件不存在" in err
