"""`make lab` starts JupyterLab on loopback with a token and serves the notebooks, without the news pop-up.

Runs the real Makefile target (the environment already exists, so it only starts the server) on
a free port, reads the URL it prints, and asks the server for the notebooks folder and for the
notification settings that the project's ``jupyter/lab/settings/overrides.json`` sets.
"""
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def open_when_listening(url: str, seconds: float = 30):
    """GET url; the server prints its URL a moment before it accepts connections, so retry briefly."""
    deadline = time.time() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=30)
        except urllib.error.URLError as error:
            if isinstance(error, urllib.error.HTTPError) or time.time() > deadline:
                raise
            time.sleep(0.1)


def test_make_lab_serves_the_notebooks_on_loopback_with_a_token(tmp_path):
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_PORT={port}"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        url, seen = None, []
        deadline = time.time() + 90
        while url is None and time.time() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            seen.append(line)
            match = re.search(rf"(http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+))", line)
            if match:
                url, token = match.group(1), match.group(2)
        assert url, "no URL with a token printed:\n" + "".join(seen[-30:])
        assert len(token) >= 32
        api = f"http://127.0.0.1:{port}/api/contents/notebooks?token={token}"
        listing = json.load(open_when_listening(api))
        names = {item["name"] for item in listing["content"]}
        assert "00_start_here.ipynb" in names
        # "Would you like to get notified about official Jupyter news?" appears while fetchNews is "none"
        plugin = "@jupyterlab/apputils-extension:notification"
        settings = json.load(open_when_listening(f"http://127.0.0.1:{port}/lab/api/settings/{plugin}?token={token}"))
        assert settings["schema"]["properties"]["fetchNews"]["default"] == "false"
        assert settings["schema"]["properties"]["checkForUpdates"]["default"] is False
        try:  # without the token the server refuses
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/notebooks", timeout=30)
            raise AssertionError("the server answered without a token")
        except urllib.error.HTTPError as error:
            assert error.code == 403
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
