"""A page costs the same on a small training and on a large one: the read API's pages of registrations follow
an index from the last one shown instead of skipping every row before them."""
import re
from urllib.parse import parse_qs, urlsplit

from tests.factories import RegistrationFactory, TrainingSessionFactory


def _page_statements(count_queries, client, url):
    with count_queries() as seen:
        body = client.get(url).json
    return body, seen


def test_api_registration_pages_start_after_the_last_one_shown(login, people, count_queries):
    training = people.training
    ids = [RegistrationFactory(training=training).id for _ in range(12)]
    RegistrationFactory(training=TrainingSessionFactory())  # another training's, never listed
    client = login(people.manager)

    seen, pages, statements, url = [], [], [], f"/api/v1/sessions/{training.id}/registrations?per_page=5"
    while url:
        body, sql = _page_statements(count_queries, client, url)
        seen += [item["id"] for item in body["items"]]
        pages.append(body["page"])
        statements.append(sql)
        url = body["next"]
    assert seen == sorted(ids) and pages == [1, 2, 3]
    # the later pages start after the last registration of the page before instead of skipping rows
    assert all(any(re.search(r"registrations\.id > ", s) for s in sql) for sql in statements[1:])
    assert len(statements[1]) == len(statements[2])

    # a client that counts pages itself still gets the same pages
    third = client.get(f"/api/v1/sessions/{training.id}/registrations?per_page=5&page=3").json
    assert [item["id"] for item in third["items"]] == sorted(ids)[10:] and third["next"] is None


def test_the_next_link_names_the_last_registration_shown(login, people):
    training = people.training
    ids = sorted(RegistrationFactory(training=training).id for _ in range(3))
    body = login(people.officer).get(f"/api/v1/sessions/{training.id}/registrations?per_page=2").json
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["after"] == [str(ids[1])] and query["page"] == ["2"] and query["per_page"] == ["2"]


def test_api_page_statements_do_not_grow_with_the_training(login, people, count_queries):
    small, large = people.training, TrainingSessionFactory(officers=[people.officer])
    for training, size in ((small, 3), (large, 60)):
        for _ in range(size):
            RegistrationFactory(training=training)
    client = login(people.officer)
    counts = []
    for training in (small, large):
        with count_queries() as seen:
            assert client.get(f"/api/v1/sessions/{training.id}/registrations?per_page=2").status_code == 200
        counts.append(len(seen))
    assert counts[0] == counts[1]
