"""What a newcomer noticed on screens: the language after logging in, Arabic lists, the error summary's names."""
from tests.factories import PASSWORD, OrganisationFactory, TrainingSessionFactory, UserFactory
from training_mgr.trainings.models import SessionOrganiser


def test_logging_in_from_the_arabic_login_page_stays_in_arabic(app, client):
    UserFactory(role="officer", email="layla@example.org", locale="en")
    client.get("/login?lang=ar")
    page = client.post("/login", data={"email": "layla@example.org", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_an_account_preference_beats_the_browser_without_an_explicit_choice(app, client):
    UserFactory(role="officer", email="layla@example.org", locale="ar")
    page = client.post("/login", data={"email": "layla@example.org", "password": PASSWORD},
                       headers={"Accept-Language": "en"}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_arabic_lists_use_the_arabic_list_format(app, client):
    training = TrainingSessionFactory()
    for position, (name, name_ar) in enumerate([("IOM", "المنظمة الدولية للهجرة"), ("UNOCT", "مكتب مكافحة الإرهاب"),
                                                ("OHCHR", "مفوضية حقوق الإنسان")]):
        training.organisers.append(SessionOrganiser(organisation=OrganisationFactory(name=name, name_ar=name_ar),
                                                    role="co_organiser", position=position))
    from training_mgr.extensions import db
    db.session.commit()
    arabic = client.get("/?lang=ar").get_data(as_text=True)
    # CLDR's Arabic list joins every item with و (Babel format_list), never with a Latin comma
    assert "<bdi>المنظمة الدولية للهجرة</bdi> و<bdi>مكتب مكافحة الإرهاب</bdi> و<bdi>مفوضية حقوق الإنسان</bdi>" in arabic
    assert "</bdi>, <bdi>" not in arabic
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "<bdi>IOM</bdi>, <bdi>UNOCT</bdi>, and <bdi>OHCHR</bdi>" in english


def test_the_error_summary_names_the_consent_box_briefly(app, client):
    org = OrganisationFactory()
    training = TrainingSessionFactory()
    page = client.post(f"/sessions/{training.id}/register", data={
        "name": "Layla Hassan", "name_ar": "", "sex": "female", "organisation": str(org.id),
        "organisation_other": "", "position": "", "email": "layla@example.org", "phone": "",
    }).get_data(as_text=True)
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Consent to data processing</a>: Your agreement is needed to register." in summary
    assert "as the privacy notice explains" not in summary


def test_a_trainings_officer_pages_show_the_same_tabs_and_no_empty_status_section(app, login):
    import re

    from tests.factories import CompletedTrainingFactory

    officer = UserFactory(role="officer")
    training = CompletedTrainingFactory(officers=[officer])
    client = login(officer)

    def tabs(path):
        page = client.get(path).get_data(as_text=True)
        nav = page.split('aria-label="Training sections"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', nav), page

    base = f"/officer/trainings/{training.id}"
    overview, page = tabs(base)
    assert 'id="status-heading"' not in page
    for path in ("/registrations", "/certificates", "/audit", "/attendance"):
        assert tabs(base + path)[0] == overview, path
    assert {"Overview", "Registrations", "Certificates", "Audit log"} <= set(overview)
