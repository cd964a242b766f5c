"""AppTest for app_pages/data.py: settings, import, export, backup, restore, check, delete."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from nextround import demo, housekeeping, transfer
from nextround.models import Settings
from nextround.store import Store
from tests import factories
from tests.conftest import GATE_S, TODAY, GatedBackup, no_exception, open_page

PAGE = "app_pages/data.py"
FOREIGN = (b"Organization,Job Title,Applied On,Status,Notes\n"
           b"Acme,Engineer,2026-01-05,Applied,\"<img src=x onerror=alert(1)>\"\n"
           b"Beta,Designer,2026-02-01,Phone call,[x](javascript:alert(1))\n"
           b"Gamma,PM,2026-03-01,No response,$5k\xe2\x80\x93$10k\n")


def _page(via_app: bool = False, tab: str | None = None) -> AppTest:
    at = open_page(PAGE, via_app=via_app)
    no_exception(at)
    return _open_tab(at, tab) if tab else at


def _open_tab(at: AppTest, label: str) -> AppTest:
    """Open one of the page's tabs, as a click on it does: only the open tab's display is
    drawn (what the user types or uploads is drawn whatever is open)."""
    at.session_state["data_tab"] = label
    at.run()
    no_exception(at)
    return at


def _frame(at: AppTest, column: str):  # noqa: ANN202 - a DataFrame
    """The table that has `column` (AppTest can't look dataframes up by key)."""
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with a {column!r} column")


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("error", "warning", "success", "info", "markdown", "caption")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("via_app", [True, False])
def test_opens_both_ways_on_an_empty_database(store: Store, via_app: bool) -> None:
    at = _page(via_app)
    assert at.title[0].value == "Your data"
    assert [t.label for t in at.tabs] == ["Settings", "Import", "Export", "Backup and restore",
                                          "Delete"]
    assert "No backups yet" not in _texts(at)  # Settings is open; the list is not drawn
    assert "No backups yet" in _texts(_open_tab(at, "Backup and restore"))


@pytest.mark.parametrize("via_app", [True, False])
def test_opens_both_ways_on_demo_data(store: Store, via_app: bool) -> None:
    demo.fill(store, applications=60, seed=2, today=TODAY)
    at = _page(via_app, tab="Export")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download applications (CSV)" in labels
    assert "Your data now: 60 applications" in _texts(at)


# --- tabs: a closed tab's display is not drawn; uploads and typed text are ------------------

def test_a_closed_tab_draws_no_display_and_opening_it_does(store: Store) -> None:
    factories.application(store, "Acme", applied_on="2026-11-02")
    at = _page()
    assert at.session_state["data_tab"] == "Settings"
    keys = {b.key for b in at.get("download_button")}
    assert not keys & {"export_json", "record_download_pdf"}  # Export is closed
    assert "Work-search record" not in [h.value for h in at.header]
    assert "backup_now" not in [b.key for b in at.button]
    _open_tab(at, "Export")
    keys = {b.key for b in at.get("download_button")}
    assert {"export_json", "export_csv", "export_xlsx", "record_download_pdf"} <= keys
    assert "Your data now: 1 application," in _texts(at)
    _open_tab(at, "Backup and restore")
    assert "export_json" not in {b.key for b in at.get("download_button")}
    assert {"backup_now", "check_now"} <= {b.key for b in at.button}


def test_an_upload_and_typed_text_survive_switching_tabs(store: Store) -> None:
    at = _page()
    at.file_uploader(key="import_file_0").upload("old-tracker.csv", FOREIGN, "text/csv").run()
    at.text_input(key="delete_phrase").set_value("delete my").run()
    at.radio(key="restore_source").set_value("A file I upload").run()
    for label in ("Export", "Backup and restore", "Delete", "Import"):
        _open_tab(at, label)
        assert "Organization" in list(_frame(at, "Their column")["Their column"])  # preview
        assert at.text_input(key="delete_phrase").value == "delete my"
        assert at.radio(key="restore_source").value == "A file I upload"
    assert store.is_empty()


def test_a_schema_another_program_changed_is_told_above_the_tabs(store: Store) -> None:
    at = _page()
    assert not at.warning
    extra = "CREATE TABLE notes (body TEXT)"
    if store.on_server:
        with store.engine.begin() as conn:
            conn.exec_driver_sql(extra)
    else:
        con = sqlite3.connect(store.path)
        con.execute(extra)
        con.commit()
        con.close()
    # The check is cached until the next write, as every read is: a save shows it at once.
    factories.application(store, "Acme", applied_on="2026-11-02")
    at.run()
    no_exception(at)
    [told] = [w.value for w in at.warning]
    assert told.startswith("Something other than Next Round changed this database's tables: ")
    assert "notes" in told


# --- settings -------------------------------------------------------------------------------

def test_settings_save(store: Store) -> None:
    at = _page()
    at.text_input(key="settings_name").set_value("Ana Müller")
    at.text_area(key="settings_signature").set_value("Best,\nAna")
    at.number_input(key="settings_weekly_goal").set_value(8)
    at.number_input(key="settings_ghost_after_days").set_value(21)
    at.number_input(key="settings_follow_up_days").set_value(5)
    at.selectbox(key="settings_timezone").set_value("Europe/Berlin")
    at.selectbox(key="settings_support_region").set_value("OTHER")
    at.form_submit_button[0].click().run()
    no_exception(at)
    saved = store.settings.get()
    assert (saved.name, saved.signature, saved.weekly_goal, saved.ghost_after_days,
            saved.follow_up_days, saved.timezone, saved.support_region) == (
        "Ana Müller", "Best,\nAna", 8, 21, 5, "Europe/Berlin", "OTHER")
    assert [t.value for t in at.toast] == ["Settings saved."]
    assert at.selectbox(key="settings_support_region").format_func("OTHER") == \
        "Other / everywhere"


def test_the_support_region_starts_at_the_time_zones_guess_and_saving_keeps_it(
        store: Store) -> None:
    store.settings.save(dataclasses.replace(store.settings.get(), timezone="Europe/London"))
    at = _page()
    assert at.selectbox(key="settings_support_region").value == "UK"  # not the schema's 'US'
    assert any("Guessed from your time zone" in c.value for c in at.caption)
    at.form_submit_button[0].click().run()
    no_exception(at)
    saved = store.settings.get()
    assert saved.support_region == "UK" and saved.extra["support_region_confirmed"] == "true"
    assert saved.extra["pause_goal_in_hard_week"] == "true"
    assert not any("Guessed from your time zone" in c.value for c in at.caption)


def test_settings_bad_input_gets_a_message_next_to_the_field(store: Store) -> None:
    at = _page()
    at.text_input(key="settings_name").set_value("Ana\x07")
    at.form_submit_button[0].click().run()
    no_exception(at)
    assert any("Your name must be one line" in e.value for e in at.error)
    assert store.settings.get().name == ""


def test_settings_from_a_stale_tab_are_not_saved(store: Store) -> None:
    at = _page()
    other = store.settings.get()
    store.settings.save(Settings(**{**other.__dict__, "name": "Saved in another tab"}))
    at.text_input(key="settings_name").set_value("Mine")
    at.form_submit_button[0].click().run()
    no_exception(at)
    assert any("changed in another tab" in e.value for e in at.error)
    assert store.settings.get().name == "Saved in another tab"
    at.button(key="settings_load_latest").click().run()
    no_exception(at)
    assert at.text_input(key="settings_name").value == "Saved in another tab"


def test_settings_survive_going_to_another_page_and_back(store: Store) -> None:
    at = open_page(PAGE)
    no_exception(at)
    at.switch_page("app_pages/progress.py").run()
    no_exception(at)
    at.switch_page(PAGE).run()
    no_exception(at)
    assert at.text_input(key="settings_name").value == ""
    at.text_input(key="settings_name").set_value("Back again")
    at.form_submit_button[0].click().run()
    no_exception(at)
    assert store.settings.get().name == "Back again"


# --- import ---------------------------------------------------------------------------------

def test_upload_preview_map_and_confirm(store: Store) -> None:
    at = _page()
    at.file_uploader(key="import_file_0").upload("old-tracker.csv", FOREIGN, "text/csv").run()
    no_exception(at)
    # Preview: the mapping, the statuses, and one unknown status to map; nothing written yet.
    mapping = _frame(at, "Their column")
    assert list(mapping["Their column"]) == ["Organization", "Job Title", "Applied On",
                                             "Status", "Notes"]
    assert any("Some statuses don't match" in str(p) for p in
               _frame(at, "Problem")["Problem"])
    assert store.is_empty()
    status = at.selectbox(key="import_status_phone call")
    assert status.value == "(pick a stage)"
    assert "phone call" in status.label
    status.set_value("screening").run()
    no_exception(at)
    sample = _frame(at, "Company")
    assert list(sample["Company"]) == ["Acme", "Beta", "Gamma"]
    assert list(sample["Notes"])[:2] == ["<img src=x onerror=alert(1)>",
                                         "[x](javascript:alert(1))"]
    at.button(key="import_confirm").click().run()
    no_exception(at)
    rows = store.transfer.export_rows()["applications"]
    assert [(r["company"], r["stage"]) for r in rows] == [
        ("Acme", "applied"), ("Beta", "screening"), ("Gamma", "ghosted")]
    assert "Imported 3 rows." in _texts(at)
    assert housekeeping.wait_all(GATE_S)  # the new database's first backup, after the import
    names = [p.name for p in store.backups.files()]
    assert [n for n in names if n.endswith("before-import" + _kind(store))], names
    # The uploader was reset for the next file.
    assert at.file_uploader(key="import_file_1").value is None


def test_a_file_with_errors_writes_nothing(store: Store) -> None:
    at = _page()
    bad = b"Company,Applied\nAcme,2026-01-05\n,2099-01-01\n"
    at.file_uploader(key="import_file_0").upload("bad.csv", bad, "text/csv").run()
    no_exception(at)
    problems = _frame(at, "Problem")
    assert list(problems["Line"]) == ["3", "3"]
    assert set(problems["Field"]) == {"Company", "Date applied"}
    assert not any(b.key == "import_confirm" for b in at.button)
    assert store.is_empty()


def test_latin1_file_is_reported_not_garbled(store: Store) -> None:
    at = _page()
    data = "Company,Applied\nSociété,2026-01-05\n".encode("latin-1")
    at.file_uploader(key="import_file_0").upload("x.csv", data, "text/csv").run()
    no_exception(at)
    assert "not UTF-8 text (at byte 21, line 2)" in \
        _frame(at, "Problem")["Problem"][0]


def test_date_format_pick(store: Store) -> None:
    at = _page()
    data = b"Company,Applied\nAcme,31/01/2026\n"
    at.file_uploader(key="import_file_0").upload("x.csv", data, "text/csv").run()
    assert "must be a date like" in _frame(at, "Problem")["Problem"][0]
    at.selectbox(key="import_date_format").set_value("DD/MM/YYYY").run()
    no_exception(at)
    at.button(key="import_confirm").click().run()
    assert store.transfer.export_rows()["applications"][0]["applied_on"] == "2026-01-31"


def test_duplicates_need_a_decision(store: Store) -> None:
    factories.application(store, "Acme", role="Engineer", applied_on="2026-01-05")
    at = _page()
    at.file_uploader(key="import_file_0").upload("x.csv", FOREIGN.replace(
        b"Phone call", b"Interview"), "text/csv").run()
    no_exception(at)
    duplicates = _frame(at, "Same as")
    assert list(duplicates["Same as"]) == ["already in your data"]
    at.button(key="import_confirm").click().run()
    no_exception(at)
    assert any("Choose what happens" in e.value for e in at.error)
    assert store.count("applications") == 1
    at.radio(key="import_duplicates_choice").set_value("Leave them out").run()
    assert at.button(key="import_confirm").label == "Import 2 applications"
    at.button(key="import_confirm").click().run()
    no_exception(at)
    assert store.count("applications") == 3
    assert "left out 1 duplicate" in _texts(at)


def test_json_export_imports_into_an_empty_database(store: Store, tmp_path) -> None:
    source = Store(tmp_path / "elsewhere.db")
    demo.fill(source, applications=40, seed=5, today=TODAY)
    exported = transfer.export_json(source)
    at = _page()
    at.file_uploader(key="import_file_0").upload("export.json", exported,
                                                  "application/json").run()
    no_exception(at)
    counts = _frame(at, "Rows")
    assert dict(zip(counts["Table"], counts["Rows"], strict=True))["applications"] == 40
    at.button(key="import_confirm").click().run()
    no_exception(at)
    assert store.transfer.export_rows() == source.transfer.export_rows()


# --- export ---------------------------------------------------------------------------------

def test_export_downloads_exist(store: Store) -> None:
    factories.application(store, "=Acme", applied_on="2026-01-05")
    at = _page(tab="Export")
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) >= {"export_json", "export_csv", "export_xlsx"}
    assert buttons["export_csv"].proto.label == "Download applications (CSV)"
    assert buttons["export_xlsx"].proto.label == "Download applications (Excel)"
    assert buttons["export_json"].proto.label == "Download everything (JSON)"
    # The bytes behind the buttons are the transfer functions' (tested in unit/test_transfer.py).
    assert json.loads(transfer.export_json(store))["tables"]["applications"][0]["company"] \
        == "=Acme"


# --- backup, restore, check -----------------------------------------------------------------

def _kind(store: Store) -> str:
    """A backup's suffix: a copy of the file, or a server's full export."""
    return ".json" if store.on_server else ".db"


def test_backup_now_and_restore_a_backup(store: Store) -> None:
    factories.application(store, "Kept", applied_on="2026-01-05")
    at = _page(tab="Backup and restore")
    assert housekeeping.wait_all(GATE_S)  # the once-a-day backup the frame started
    daily = [p.name for p in store.backups.files()]
    assert len(daily) == 1 and daily[0].endswith("-daily" + _kind(store))
    at.button(key="backup_now").click().run()
    no_exception(at)
    assert len(store.backups.files()) == 2
    listed = _frame(at, "Backup")
    assert list(listed["Backup"]) == [p.name for p in store.backups.files()]
    # Later work that the restore will replace.
    factories.application(store, "Later", applied_on="2026-01-06")
    at.run()
    at.selectbox(key="restore_pick").set_value(store.backups.files()[0].name).run()
    no_exception(at)
    counts = _frame(at, "After restoring").set_index("Table")
    assert counts.loc["applications", "Now"] == 2
    assert counts.loc["applications", "After restoring"] == 1
    at.button(key="restore_confirm").click().run()  # without ticking the box
    no_exception(at)
    assert any("Tick the box" in e.value for e in at.error)
    assert store.count("applications") == 2
    at.checkbox(key="restore_agree").check().run()
    at.button(key="restore_confirm").click().run()
    no_exception(at)
    assert [r["company"] for r in Store(store.url).transfer.export_rows()["applications"]] == [
        "Kept"]
    assert any("before-restore" in p.name for p in store.backups.files())


def test_the_first_page_of_the_day_does_not_wait_for_the_automatic_backup(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    factories.application(store, "Kept", applied_on="2026-01-05")
    job = GatedBackup()
    monkeypatch.setattr(housekeeping, "daily_backup", job)
    at = _page(via_app=True, tab="Backup and restore")  # drawn while the backup is held
    assert job.entered.wait(GATE_S)
    assert "Today's automatic backup is being made." in _texts(at)
    assert "No backups yet" in _texts(at) and store.backups.files() == []
    at.switch_page("app_pages/progress.py").run()  # another page meanwhile: no second backup
    no_exception(at)
    job.release()
    assert housekeeping.wait_all(GATE_S)
    at.switch_page(PAGE).run()
    _open_tab(at, "Backup and restore")  # a page opens at its first tab
    assert job.calls == 1
    [daily] = store.backups.files()
    assert daily.name.endswith(".20261125-daily" + _kind(store))
    assert "Today's automatic backup was made at " in _texts(at)
    assert list(_frame(at, "Backup")["Backup"]) == [daily.name]


def test_an_automatic_backup_that_failed_is_told_on_the_data_page(store: Store,
                                                                  tmp_path) -> None:  # noqa: ANN001
    factories.application(store, "Kept", applied_on="2026-01-05")
    # A file where the backups folder should be: no backup can be written, even by root.
    (tmp_path / "backups").write_text("not a folder")
    at = _page(tab="Backup and restore")
    assert housekeeping.wait_all(GATE_S)
    at.run()
    no_exception(at)
    [told] = [w.value for w in at.warning if "automatic backup" in w.value]
    assert told.startswith("Today's automatic backup couldn't be made. ")
    assert "write" in told  # what went wrong, in words
    assert "Not a directory" in told and "Traceback" not in told
    assert told.endswith("Your data is safe; you can make a backup here.")
    assert at.button(key="backup_now").label == "Back up now"
    assert store.count("applications") == 1


def test_restore_refuses_a_bad_upload(store: Store) -> None:
    factories.application(store, "Kept", applied_on="2026-01-05")
    at = _page()
    at.radio(key="restore_source").set_value("A file I upload").run()
    at.file_uploader(key="restore_upload").upload(f"broken{_kind(store)}",
                                                  b"not a database at all",
                                                  "application/octet-stream").run()
    no_exception(at)
    refusal = "can't be restored" if store.on_server else "not a Next Round database"
    assert any(refusal in e.value for e in at.error), [e.value for e in at.error]
    assert not any(b.key == "restore_confirm" for b in at.button)
    assert store.count("applications") == 1


def test_check(store: Store) -> None:
    at = _page(tab="Backup and restore")
    at.button(key="check_now").click().run()
    no_exception(at)
    assert "Your database is healthy." in _texts(at)


# --- delete everything ----------------------------------------------------------------------

def test_delete_needs_the_typed_phrase_and_keeps_a_backup(store: Store) -> None:
    demo.fill(store, applications=30, seed=1, today=TODAY)
    at = _page()
    # A code box loads Streamlit's 1.5 MB syntax highlighter: not on the page's first screen.
    assert not at.code
    _open_tab(at, "Delete")
    assert store.where in [c.value for c in at.code]
    at.text_input(key="delete_phrase").set_value("delete").run()
    at.button(key="delete_confirm").click().run()
    no_exception(at)
    assert any("Type delete my data exactly" in e.value for e in at.error)
    assert store.count("applications") == 30
    at.text_input(key="delete_phrase").set_value("Delete my data").run()
    at.button(key="delete_confirm").click().run()
    no_exception(at)
    fresh = Store(store.url)
    assert fresh.is_empty() and fresh.integrity_problems(transfer.stored_value_problems) == []
    kept = [p.name for p in fresh.backups.files()
            if not p.name.endswith("-daily" + _kind(store))]
    assert [name.endswith("before-delete" + _kind(store)) for name in kept] == [True]
    assert "Your data now: 0 applications, 0 rows in all." in _texts(
        _open_tab(at, "Export"))


def test_delete_with_backups(store: Store) -> None:
    factories.application(store, "Gone", applied_on="2026-01-05")
    transfer.make_backup(store)
    at = _page()
    at.checkbox(key="delete_backups").check()
    at.text_input(key="delete_phrase").set_value("delete my data")
    at.button(key="delete_confirm").click().run()
    no_exception(at)
    assert store.is_empty() and store.backups.files() == []
    if store.path is not None:  # the file keeps no trace of the deleted text
        assert b"Gone" not in store.path.read_bytes()


def test_the_page_says_honestly_where_the_data_lives(store: Store) -> None:
    """A file stays on this computer; a PostgreSQL database is on the user's own server, and
    the page mustn't promise otherwise."""
    at = _page()
    no_exception(at)
    said = "kept in your PostgreSQL database" if store.on_server else "stays on this computer"
    assert any(said in c.value for c in at.sidebar.caption), [c.value for c in at.sidebar.caption]
    assert any(said in c.value for c in at.caption)


def test_a_new_databases_first_application_is_backed_up_the_same_day(store: Store) -> None:
    from tests.pages.test_applications import fill_add_form, submit

    at = open_page("app_pages/applications.py")
    assert housekeeping.wait_all(GATE_S)  # the day's run found nothing to keep
    assert store.backups.files() == []
    fill_add_form(at, company="Acme Health", role="Data analyst", applied_on=date(2026, 11, 20))
    submit(at, "add_app_submit")
    assert store.count("applications") == 1
    assert housekeeping.wait_all(GATE_S)
    daily = [p.name for p in store.backups.files()]
    assert len(daily) == 1 and daily[0].endswith("-daily" + _kind(store)), daily


# --- issue 18: files from other tools ---------------------------------------------------------

UNSEEN = b"Firm Name,Job,When,Where\nAcme,Engineer,2026-01-05,Berlin\nBeta,Designer,2026-02-01,\n"


def test_an_unseen_layout_is_mapped_once_and_remembered_by_its_header(store: Store) -> None:
    at = _page()
    at.file_uploader(key="import_file_0").upload("mine.csv", UNSEEN, "text/csv").run()
    no_exception(at)
    company = at.selectbox(key="import_column_company")
    assert company.label == "Which column is the company?"
    assert company.value == "Firm Name" and at.selectbox(key="import_column_role").value == "Job"
    applied = at.selectbox(key="import_column_applied_on")
    assert applied.value == "(none)"  # "When" is no name we know: asked, not guessed
    assert not any(b.key == "import_confirm" for b in at.button)
    applied.set_value("When").run()
    at.selectbox(key="import_column_location").set_value("Where").run()
    no_exception(at)
    assert list(_frame(at, "Company")["Location"]) == ["Berlin", ""]
    at.button(key="import_confirm").click().run()
    no_exception(at)
    rows = store.transfer.export_rows()["applications"]
    assert [(r["company"], r["role"], r["applied_on"], r["location"]) for r in rows] == [
        ("Acme", "Engineer", "2026-01-05", "Berlin"), ("Beta", "Designer", "2026-02-01", "")]
    # The next file with the same header comes in with the answers already chosen.
    again = UNSEEN.replace(b"Acme", b"Gamma").replace(b"Beta", b"Delta")
    at.file_uploader(key="import_file_1").upload("mine-2.csv", again, "text/csv").run()
    no_exception(at)
    assert at.selectbox(key="import_column_applied_on").value == "When"
    assert at.button(key="import_confirm").label == "Import 2 applications"


def test_a_workbook_sheet_with_saved_jobs_offers_them_for_the_dream_list(store: Store) -> None:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Jobs")
    sheet.append(["Company", "Position", "Date Applied", "Status"])
    sheet.append(["Acme", "Engineer", date(2026, 3, 2), "Applied"])
    sheet.append(["Globex", "Analyst", None, "Wishlist"])
    buffer = io.BytesIO()
    book.save(buffer)
    at = _page()
    at.file_uploader(key="import_file_0").upload(
        "jobs.xlsx", buffer.getvalue(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    no_exception(at)
    at.selectbox(key="import_sheet").set_value("Jobs").run()
    no_exception(at)
    assert "(Excel workbook)" in _texts(at)
    saved = [f.value for f in at.dataframe if list(f.value.columns) == ["Line", "Company",
                                                                         "Role"]]
    assert list(saved[0]["Company"]) == ["Globex"]  # the saved job: not an application
    assert at.button(key="import_confirm").label == \
        "Import 1 application and 1 dream-job company"
    at.button(key="import_confirm").click().run()
    no_exception(at)
    assert [r["company"] for r in store.transfer.export_rows()["applications"]] == ["Acme"]
    assert [t.company for t in store.dream_list.entries()] == ["Globex"]
    assert "added 1 company to your dream-job list" in _texts(at)


def test_ambiguous_dates_are_asked_not_guessed(store: Store) -> None:
    at = _page()
    at.file_uploader(key="import_file_0").upload(
        "x.csv", b"Company,Date applied\nAcme,03/04/2026\n", "text/csv").run()
    at.selectbox(key="import_date_format").set_value(transfer.AUTO).run()
    no_exception(at)
    assert "no date in the file tells" in _frame(at, "Problem")["Problem"][0]
    at.radio(key="import_date_order").set_value("day first").run()
    no_exception(at)
    at.button(key="import_confirm").click().run()
    assert store.transfer.export_rows()["applications"][0]["applied_on"] == "2026-04-03"


def test_a_european_excel_csv_is_converted_only_when_asked(store: Store) -> None:
    data = "Company;Date applied\nSociété Générale;25.03.2026\n".encode("cp1252")
    at = _page()
    at.file_uploader(key="import_file_0").upload("eu.csv", data, "text/csv").run()
    no_exception(at)
    assert "Windows-1252" in _frame(at, "Problem")["Problem"][0]
    assert store.is_empty()
    at.button(key="import_convert").click().run()
    at.selectbox(key="import_date_format").set_value(transfer.AUTO).run()
    no_exception(at)
    assert "converted from Windows-1252" in _texts(at)
    at.button(key="import_confirm").click().run()
    no_exception(at)
    rows = store.transfer.export_rows()["applications"]
    assert [(r["company"], r["applied_on"]) for r in rows] == [("Société Générale",
                                                                "2026-03-25")]
