from tests.conftest import example_document
from tests.support.intakes import commit_document


def test_example_document_is_accepted(ctx):
    receipt = commit_document(ctx, example_document())
    assert receipt.line() == "S01-20261127-0001 accepted"
