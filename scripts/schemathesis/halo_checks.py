"""Checks schemathesis runs on every answer of Halo's API, beyond the schema's own.

Loaded through SCHEMATHESIS_HOOKS=halo_checks (scripts/test.sh puts this folder on PYTHONPATH).
"""
import schemathesis


@schemathesis.check
def api_error_shape(ctx, response, case):
    """Every error is {"error": {"code", "message", "details"?}} (API.md), nothing else."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except Exception as exc:  # noqa: BLE001 - any decoding failure is the finding
        raise AssertionError(f"{response.status_code} answer is not JSON: {exc}") from exc
    assert isinstance(body, dict) and set(body) == {"error"}, f"not the API.md error shape: {body!r}"
    err = body["error"]
    assert isinstance(err, dict), f"error is not an object: {err!r}"
    assert isinstance(err.get("code"), str) and err["code"], f"error without a code: {err!r}"
    assert isinstance(err.get("message"), str) and err["message"], f"error without a message: {err!r}"
    assert set(err) <= {"code", "message", "details"}, f"unexpected error fields: {sorted(err)}"
    echoed = repr((case.path_parameters, case.query, case.body))  # what the caller sent may come back
    for leak in ("Neo4jError", "Neo.ClientError", "Neo.TransientError", "Neo.DatabaseError", "github.com/halo-oss"):
        if leak in err["message"] and leak not in echoed:
            raise AssertionError(f"the message leaks internals: {err['message']!r}")
    return None
