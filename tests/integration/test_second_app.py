"""A second tui-app on the same data directory: its embedded server cannot open the store the
first one holds, so it runs in memory; it must leave the stored local sessions alone."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import wait_until
from tests.ui.test_app_pilot import send, turn_done
from tui_app.cli.connect import connect
from tui_app.persistence.store import Store
from tui_app.ui.app import TuiApp


async def test_a_second_app_neither_restores_nor_expires_the_first_apps_local_sessions(tmp_path: Path) -> None:
    with connect("local", tokens_per_second=0, data=tmp_path) as first:
        assert first.persistent
        store = Store(tmp_path / "tui-app.db")
        app = TuiApp(first, store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.state == "ready")
            await send(app, pilot, "keep me")
            await wait_until(pilot, lambda: turn_done(app, 1))
            kept = app.current
        store.close()

        with connect("local", tokens_per_second=0, data=tmp_path) as second:
            assert not second.persistent and second.notice is not None
            store = Store(tmp_path / "tui-app.db")
            other = TuiApp(second, store=store)
            async with other.run_test(size=(100, 30)) as pilot:
                await wait_until(pilot, lambda: other.current is not None and other.current.state == "ready")
                assert kept.id not in other.sessions  # type: ignore[union-attr]
                assert any("will not be kept" in str(n.message) for n in other.notices.history)
                await send(other, pilot, "scratch")
                await wait_until(pilot, lambda: turn_done(other, 1))
                scratch = other.current
            assert [r.id for r in store.sessions()] == [kept.id]  # type: ignore[union-attr]
            assert store.session(kept.id).state == "ready"  # type: ignore[union-attr]
            store.close()
        assert scratch is not None

    # The first server's sessions come back whole in a later run.
    with connect("local", tokens_per_second=0, data=tmp_path) as again:
        store = Store(tmp_path / "tui-app.db")
        app = TuiApp(again, store=store)
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: app.current is not None and app.current.id == kept.id and app.current.state == "ready")  # type: ignore[union-attr]
        store.close()
