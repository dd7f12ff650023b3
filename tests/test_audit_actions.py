"""Every change the code records reads as a sentence in the reader's language: each action written anywhere has a
label and a sentence (``audit.actions``), each call gives the values its sentence names, each changed field has a
label, and a realistic log read in Arabic shows no English field name or status word, and names the people."""
import ast
import csv
import io
import re
from dataclasses import fields, is_dataclass, replace
from datetime import date
from pathlib import Path

import pytest

import training_mgr
from tests.factories import OrganisationFactory, ParticipantFactory, TrainingSessionFactory, UserFactory
from training_mgr.audit.actions import ACTIONS, said
from training_mgr.audit.sentences import RECORD_LABELS
from training_mgr.auth.models import TOKEN_PURPOSES
from training_mgr.core.labels import (
    CERTIFICATE_STATUS_LABELS, FIELD_LABELS, MARK_LABELS, REGISTRATION_STATUS_LABELS, SESSION_STATUS_LABELS,
)
from training_mgr.registrations.models import REGISTRATION_STATUSES
from training_mgr.trainings.services import STATUS_ACTIONS

PACKAGE = Path(training_mgr.__file__).parent

#: actions written as an expression: the values it takes (a new one must be added here, with where its values come from)
DYNAMIC_ACTIONS = {
    "f'user.{purpose}'": {f"user.{purpose}" for purpose in TOKEN_PURPOSES},
    "f'registration.{new_status}'": {f"registration.{status}" for status in REGISTRATION_STATUSES},
    "f'training.{action}'": {f"training.{action}" for action in STATUS_ACTIONS.values()} | {"training.reopen"},
}


class Call:
    """One ``record`` call of the code: where it is, the actions it may write, its ``details`` and ``changes``."""

    def __init__(self, path, node, function, tree):
        self.where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
        self.node, self.function, self.tree = node, function, tree
        self.module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)

    def argument(self, position, name):
        if len(self.node.args) > position:
            return self.node.args[position]
        return next((k.value for k in self.node.keywords if k.arg == name), None)

    def actions(self) -> set:
        node = self.argument(1, "action")
        if isinstance(node, ast.Constant):
            return {node.value}
        if isinstance(node, ast.IfExp) and all(isinstance(n, ast.Constant) for n in (node.body, node.orelse)):
            return {node.body.value, node.orelse.value}
        if isinstance(node, ast.Name) and self.function is not None:
            return self._passed_to(node.id)
        return DYNAMIC_ACTIONS.get(ast.unparse(node), {f"<unknown: {ast.unparse(node)}>"})

    def _passed_to(self, parameter: str) -> set:
        """The constants the module passes as ``parameter`` of the function this call sits in."""
        position = [a.arg for a in self.function.args.args].index(parameter)
        found = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == self.function.name:
                value = node.args[position] if len(node.args) > position else next(
                    (k.value for k in node.keywords if k.arg == parameter), None)
                found.add(value.value if isinstance(value, ast.Constant) else f"<unknown: {ast.unparse(value)}>")
        return found

    def detail_keys(self) -> set | None:
        node = self.argument(99, "details")
        if not isinstance(node, ast.Dict) or any(not isinstance(k, ast.Constant) for k in node.keys):
            return None
        return {k.value for k in node.keys}


def record_calls() -> list[Call]:
    """Every call of ``audit.services.record`` in the package (``audit.record(…)``, or ``record(…)`` imported)."""
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        imported = any(isinstance(n, ast.ImportFrom) and (n.module or "").endswith("audit.services")
                       and any(a.name == "record" for a in n.names) for n in ast.walk(tree))
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if not ((isinstance(func, ast.Attribute) and func.attr == "record" and getattr(func.value, "id", None) == "audit")
                    or (imported and isinstance(func, ast.Name) and func.id == "record")):
                continue
            function = parents.get(node)
            while function is not None and not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                function = parents.get(function)
            calls.append(Call(path, node, function, tree))
    return calls


def placeholders(action) -> set:
    """The values an action's sentence names, found by filling it until it stops asking."""
    values = {"num": 2}
    while True:
        try:
            said(action, values)
            return set(values) - {"who", "num"}
        except KeyError as missing:
            values[missing.args[0]] = "x"


def test_the_scan_finds_the_calls_it_should():
    calls = record_calls()
    assert len(calls) > 90
    assert {"attendance.update", "registration.decline", "user.reset_password", "training.reopen",
            "certificate.reissued", "agenda.slot_add"} <= set().union(*(c.actions() for c in calls))


def test_every_action_the_code_records_has_a_label_and_a_sentence(app):
    missing = sorted(f"{call.where}: {action}" for call in record_calls() for action in call.actions()
                     if action not in ACTIONS)
    assert not missing, "add these to training_mgr/audit/actions.py ACTIONS:\n" + "\n".join(missing)


def test_every_call_gives_the_values_its_sentence_names(app):
    problems = []
    for call in record_calls():
        keys = call.detail_keys()
        if keys is None:
            problems.append(f"{call.where}: give details={{…}} as a dict literal")
            continue
        for action in call.actions() & set(ACTIONS):
            if lacking := placeholders(ACTIONS[action]) - keys:
                problems.append(f"{call.where}: {action} names {sorted(lacking)}")
    assert not problems, "\n".join(problems)


def _changed_fields(call) -> set:
    """The fields a call's ``changes`` may hold: the keys of a dict literal, or those ``audit.diff`` compares."""
    found = set()
    changes = call.argument(4, "changes")
    if isinstance(changes, ast.Dict):
        found |= {k.value for k in changes.keys if isinstance(k, ast.Constant)}
    for node in ast.walk(call.function or call.tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "diff" and len(node.args) > 1:
            found |= _field_names(call, node.args[1])
    return found


def _field_names(call, node) -> set:
    import importlib

    if isinstance(node, (ast.Tuple, ast.List)):
        return {n.value for n in node.elts if isinstance(n, ast.Constant)}
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("list", "tuple"):  # list(values)
        name = node.args[0].id
        assigned = [n.value for n in ast.walk(call.function) if isinstance(n, ast.Assign)
                    and any(getattr(t, "id", None) == name for t in n.targets)]
        return set().union(*(_dict_keys(call, value) for value in assigned))
    return set(eval(ast.unparse(node), vars(importlib.import_module(call.module))))  # a module's tuple of names


def _dict_keys(call, node) -> set:
    """The keys of ``{…}`` or ``asdict(details)`` (by the parameter's annotated dataclass)."""
    import importlib

    if isinstance(node, ast.Dict):
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        return keys.union(*(_dict_keys(call, v) for k, v in zip(node.keys, node.values) if k is None))
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "asdict":
        parameter = next(a for a in call.function.args.args + call.function.args.kwonlyargs
                         if a.arg == node.args[0].id)
        if parameter.annotation is None:  # the same details come annotated through another call
            return set()
        kind = eval(ast.unparse(parameter.annotation), vars(importlib.import_module(call.module)))
        assert is_dataclass(kind)
        return {f.name for f in fields(kind)}
    return set()


def test_every_changed_field_has_a_label(app):
    labelled = {name.rsplit(".", 1)[-1] for name in FIELD_LABELS}
    missing = sorted({f"{call.where}: {name}" for call in record_calls() for name in _changed_fields(call)
                      if name not in labelled})
    assert not missing, "add these to training_mgr/core/labels.py FIELD_LABELS:\n" + "\n".join(missing)


# --- a realistic log, read in Arabic ---------------------------------------------------------------------------

#: what must never show in an Arabic log: the stored codes of statuses and marks, the fields' names in code, and
#: their English labels
CODE_WORDS = set(REGISTRATION_STATUS_LABELS) | set(MARK_LABELS) | set(SESSION_STATUS_LABELS) | set(CERTIFICATE_STATUS_LABELS)
ENGLISH_LABELS = {str(label) for labels in (REGISTRATION_STATUS_LABELS, MARK_LABELS, SESSION_STATUS_LABELS,
                                            CERTIFICATE_STATUS_LABELS, FIELD_LABELS) for label in labels.values()}
MODEL_NAMES = {"AttendanceMark", "TrainingSession", "Registration", "Certificate", "OrganisationQuota"}


@pytest.fixture
def realistic_log(app):
    """Registration, status changes, attendance marks, certificates issued, reissued and revoked, settings changed:
    each through its service, by officer Layla Hassan, about Ahmed (أحمد الكرخي)."""
    from training_mgr.attendance.services import DayMark, record_day
    from training_mgr.certificates import services as certificates
    from training_mgr.registrations import services as registrations
    from training_mgr.trainings import organisers, signatories, services as trainings
    from training_mgr.trainings.inputs import CertificateRule, TrainingDetails

    layla = UserFactory(role="officer", name="Layla Hassan")
    training = TrainingSessionFactory(officers=[layla], title="Border management", title_ar="إدارة الحدود",
                                      start_date=date(2022, 2, 15), end_date=date(2022, 2, 17), status="closed")
    ahmed = ParticipantFactory(name="Ahmed Al-Karkhi", name_ar="أحمد الكرخي")
    registration = registrations.register(training, ahmed, source="officer", by_user=layla)
    registrations.change_status(registration, "waitlisted", by_user=layla)
    registrations.change_status(registration, "confirmed", by_user=layla)
    first, second, third = training.days
    record_day(training, first, {registration.id: DayMark("present", None)}, by_user=layla)
    record_day(training, second, {registration.id: DayMark("late", None)}, by_user=layla)
    record_day(training, second, {registration.id: DayMark("excused", None)}, by_user=layla)
    record_day(training, third, {registration.id: DayMark("present", None)}, by_user=layla)
    trainings.update_training(training, layla, replace(TrainingDetails.of(training), capacity=30))
    signatories.update_certificate_rule(training, layla, CertificateRule(cert_min_attendance=60, cert_late_counts=False))
    organisers.set_quota(training, layla, OrganisationFactory(name="Ministry of Interior", name_ar="وزارة الداخلية"), 5)
    trainings.change_status(training, "completed", layla)
    [issued], _skipped = certificates.issue_certificates(training, by_user=layla)
    replacement = certificates.reissue_certificate(issued, "الاسم مكتوب خطأ", by_user=layla)
    certificates.revoke_certificate(replacement, "صدرت خطأً", by_user=layla)
    return training, layla


def _outside_isolates(html: str) -> str:
    """The page's text without tags, leaving out what sits in a ``<bdi>`` (names and other text as typed)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<bdi>.*?</bdi>", " ", html))


def _untranslated() -> list:
    """The labels the Arabic catalogue does not translate yet (new ones wait for the translation pass, which
    ``tests/test_translations.py`` checks): they show in English through no fault of the log."""
    from flask_babel import force_locale

    labels = [label for labels in (FIELD_LABELS, RECORD_LABELS) for label in labels.values()]
    labels += [action.label for action in ACTIONS.values()]
    with force_locale("ar"):
        texts = {str(label) for label in labels if str(label) == label._args[0]}
        for action in ACTIONS.values():  # a sentence: the words between the values it names
            values = dict.fromkeys(placeholders(action) | {"who"}, "\x00")
            arabic = said(action, {**values, "num": 2})
            with force_locale("en"):
                if arabic == said(action, {**values, "num": 2}):
                    texts.update(part.strip() for part in arabic.split("\x00") if part.strip())
    return sorted(texts, key=len, reverse=True)


def _english_left(text: str) -> list:
    for untranslated in _untranslated():
        text = text.replace(untranslated, "")
    words = [w for w in CODE_WORDS | MODEL_NAMES if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]
    return words + [label for label in ENGLISH_LABELS if label in text]


def _latin_outside_isolates(html: str) -> bool:
    text = _outside_isolates(html)
    for label in _untranslated():
        text = text.replace(label, "")
    return re.search("[A-Za-z]", text) is not None


def test_the_log_reads_in_arabic_with_no_english_field_or_status_and_names_the_people(realistic_log, login):
    training, layla = realistic_log
    client = login(layla)
    html = client.get(f"/officer/trainings/{training.id}/audit?lang=ar").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">.*?</tr>", html, re.S)
    assert len(rows) >= 12
    changes = re.findall(r"<dl .*?</dl>", html, re.S)
    english = [c for c in changes if _latin_outside_isolates(c)]
    assert changes and not english, english
    assert not _english_left(_outside_isolates("".join(rows)))
    sentences = [re.search(r"</td>\s*<td>(.*?)</td>", row, re.S)[1] for row in rows]
    about_ahmed = [s for s in sentences if "<bdi>أحمد الكرخي</bdi>" in s]
    assert len(about_ahmed) >= 8  # registered, moved twice, four marks, issued, reissued, revoked
    assert all("<bdi>Layla Hassan</bdi>" in s for s in sentences)
    assert not [s for s in sentences if "Ahmed Al-Karkhi" in s]  # his name in the reader's script

    export = client.get(f"/officer/trainings/{training.id}/audit.csv?lang=ar").get_data(as_text=True)
    table = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert len(table) == len(rows) + 1
    assert not _english_left("\n".join(",".join(row[1:5] + row[5:]) for row in table))
    assert all("Layla Hassan" in row[3] for row in table[1:])
    assert sum("أحمد الكرخي" in row[3] for row in table[1:]) >= 8
    several = [row[5] for row in table[1:] if row[5].count(":") > 1]  # changes of several fields, Arabic semicolons
    assert several and all("؛ " in changes and "; " not in changes for changes in several)


def test_the_log_reads_as_sentences_in_english_too(realistic_log, login):
    training, layla = realistic_log
    html = login(layla).get(f"/officer/trainings/{training.id}/audit?lang=en").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"</?(bdi|span)>|<span [^>]*>", "", html))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    assert "Programme officer Layla Hassan marked Ahmed Al-Karkhi late on Feb 16, 2022." in text
    assert "changed the registration of Ahmed Al-Karkhi from confirmed to waiting list." in text
    assert "revoked certificate" in text and "Reason: صدرت خطأً" in text
    assert "Attendance needed (percentage of days) 80 → 60" in text
    assert "gave Ministry of Interior a quota of 5 seats." in text




def test_erasing_a_person_takes_their_names_out_of_the_sentences_and_the_search(realistic_log, login):
    from training_mgr.erasure.services import erase_participant
    from training_mgr.extensions import db
    from training_mgr.participants.models import Participant

    training, layla = realistic_log
    client = login(layla)
    log = f"/officer/trainings/{training.id}/audit"
    assert "No entry matches." not in client.get(f"{log}?person=الكرخي").get_data(as_text=True)
    ahmed = db.session.scalar(db.select(Participant).where(Participant.name == "Ahmed Al-Karkhi"))
    erase_participant(ahmed, by_user=UserFactory(role="admin"))
    for lang in ("ar", "en"):
        page = client.get(f"{log}?lang={lang}").get_data(as_text=True)
        assert "الكرخي" not in page and "Karkhi" not in page
    assert "No entry matches." in client.get(f"{log}?person=الكرخي&lang=en").get_data(as_text=True)
