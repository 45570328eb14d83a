"""The UNO side of the long-lived LibreOffice converter: run by the Python LibreOffice's ``uno`` module
belongs to (often not the one formparse runs in), never imported by formparse.

``python3 lo_worker.py PIPE TIMEOUT SOFFICE_PID`` connects to the soffice listening on pipe PIPE, prints
``{"ready": true}`` and then converts one request per line of stdin (``{"src": URL, "dst": URL, "filter":
NAME}``), answering each with one line, ``{"ok": true}`` or ``{"ok": false, "error": "..."}``. Documents
are opened hidden, read-only, with macros never run and links never updated. Time limits, restarts and clean-up are the
caller's (``legacy.py``): it kills this process and soffice together when an answer is late.
When the caller goes away without doing so (a batch worker killed), stdin ends, or this process is
orphaned while LibreOffice hangs: either way soffice is stopped, never left running.
"""

import json
import os
import signal
import sys
import threading
import time


def _props(**values):
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


def _connect(pipe, deadline):
    import uno  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _kill(pid):
    try:
        os.killpg(pid, signal.SIGKILL)  # soffice was started in a session of its own
    except OSError:
        pass


def _watch(parent, soffice):
    """Stop soffice and this process once the caller is gone (this process is then reparented)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    _kill(soffice)
    os._exit(1)


def main():
    pipe, timeout, soffice = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    threading.Thread(target=_watch, args=(os.getppid(), soffice), daemon=True).start()
    desktop = _connect(pipe, time.monotonic() + timeout)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        doc = None
        try:
            # MacroExecutionMode 0: never; UpdateDocMode 0: no links fetched
            doc = desktop.loadComponentFromURL(req["src"], "_blank", 0, _props(
                Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
            if doc is None:
                raise RuntimeError("LibreOffice could not open the file")
            doc.storeToURL(req["dst"], _props(FilterName=req["filter"], Overwrite=True))
            answer = {"ok": True}
        except Exception as exc:  # every UNO exception: the caller reports it for this file only
            answer = {"ok": False, "error": f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}"[:300]}
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:
                    try:
                        doc.dispose()
                    except Exception:
                        pass
        print(json.dumps(answer), flush=True)
    try:  # stdin ended: the caller is done or gone
        desktop.terminate()
    except Exception:
        pass
    _kill(soffice)


if __name__ == "__main__":
    main()
