"""A participant who completed the training is "أتمّ الدورة" in Arabic reports, not the training status "منتهية"."""
from flask_babel import force_locale

from tests.factories import CompletedTrainingFactory, ParticipantFactory, attended
from tests.pdf_reading import pdftotext_lines
from training_mgr.core.text import fold
from training_mgr.reports.documents import participants_csv, session_report_pdf


def test_the_arabic_session_report_and_participant_list_say_completed_the_training(people, app):
    training = CompletedTrainingFactory(officers=[people.officer])
    attended(training, ["present"] * 3, participant=ParticipantFactory(name="Sami Person", name_ar="سامي"))
    with app.test_request_context(), force_locale("ar"):
        report = fold(" ".join(pdftotext_lines(session_report_pdf(training))))
        header = participants_csv(training=training).decode("utf-8-sig").splitlines()[0]
    assert fold("«أتمّ الدورة»") in report  # the note on the column
    assert report.count(fold("أتمّ الدورة")) >= 3  # the key figure, the note, the column
    assert "أتمّ الدورة" in header and "منتهية" not in header
