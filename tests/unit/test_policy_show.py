"""`policy show` prints the effective gate of every allowlisted field; `policy check` output lines."""
from __future__ import annotations

from types import SimpleNamespace as NS

from followup.commands.policy import run_check, run_show
from governance.policy import DEFAULT_POLICY_PATH


def test_show_prints_one_gate_per_allowlisted_field(capsys):
    assert run_show(NS(file=None)) == 0
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert set(lines) == {"Opportunity.NextStep", "Opportunity.CloseDate", "Contact.Role", "Task.Subject", "Task.DueDate",
                          "Activity.EmailMessageId", "Opportunity.StageName", "Opportunity.Amount", "Task.*"}
    assert lines["Opportunity.Amount"].endswith("high-risk, approver Manager, confidence >= 0.90, then FinanceNotify")
    assert lines["Opportunity.StageName"].endswith("high-risk, approver Manager, confidence >= 0.85")
    assert lines["Opportunity.CloseDate"].endswith("approver AE, confidence >= 0.78")
    assert lines["Task.*"].endswith("approver Manager, confidence >= 0.78")


def test_check_prints_each_problem_on_its_own_line(tmp_path, capsys):
    bad = tmp_path / "p.yaml"
    text = DEFAULT_POLICY_PATH.read_text().replace("confidence_min: 0.78", "confidence_min: 7.8")
    bad.write_text(text.replace('start_utc: "07:00"', 'start_utc: "7:00"').replace("  exceptions:", "  extra: 1\n  exceptions:"))
    assert run_check(NS(file=bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3
    assert any(line.endswith("approvals.default.confidence_min: Input should be less than or equal to 1") for line in err)
    assert any("actions.crm_updates.change_window.start_utc: Value error, not a 24-hour HH:MM time" in line for line in err)
    assert any(line.endswith("extra: unknown key") for line in err)
    assert run_check(NS(file=DEFAULT_POLICY_PATH)) == 0
    assert capsys.readouterr().out.startswith("policy OK: sales-followup-copilot; regions ['us-east', 'eu-west']")
