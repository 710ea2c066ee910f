from hypothesis import given, strategies as st

from tui_app.server import demo_agent


@given(st.text())
def test_tokens_join_back_into_the_text(text: str) -> None:
    assert "".join(demo_agent.tokenize(text)) == text


def test_reply_is_deterministic_and_has_paragraphs_a_list_and_a_code_fence() -> None:
    first = demo_agent.reply([], "hello")
    assert first == demo_agent.reply([], "hello")
    assert "\n\n" in first
    assert "\n- " in first
    assert "```python\n" in first and first.count("```") == 2


def test_reply_quotes_the_earlier_conversation() -> None:
    second = demo_agent.reply(["my name is Ada"], "what is my name?")
    assert "turn 2" in second
    assert "“my name is Ada”" in second


def test_cost_is_integer_micro_dollars() -> None:
    assert demo_agent.cost_micros(1_000_000, 0) == 3_000_000
    assert demo_agent.cost_micros(0, 1_000_000) == 15_000_000


def test_a_reply_quotes_what_was_written_not_the_attached_files_and_its_fence_holds() -> None:
    # Seen in the app: a message with an attached file (a fenced block, as Case.dev gets it) was
    # quoted whole inside the reply's code block, whose fence the file's fence then closed.
    message = "and this\n```notes.md\n# Notes\nhello\n```"
    reply = demo_agent.reply(["tell me\n```a.txt\nx\n```"], message)
    assert reply.startswith("I received notes.md, 14 bytes.")
    assert "You said “and this”" in reply and "Before this you said “tell me”" in reply
    assert "notes.md\n" not in reply.split("\n\n", 1)[1]
    quoted = demo_agent.reply([], "fences like ``` and ````")
    fence = "`" * 5
    assert f"\n{fence}python\n" in quoted and quoted.rstrip().split("\n")[-3] == fence
