from compiler.canonical import canonical_tool, fingerprint, normalize_placeholders


def test_server_fields_dropped_and_defaults_filled() -> None:
    live = {
        "id": 7,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z",
        "type": "send_sms",
        "name": "x",
        "static_params": {"message": "Hi {{ name }}"},
    }
    assert canonical_tool(live) == {
        "type": "send_sms",
        "name": "x",
        "description": "",
        "parameters": {"type": "object", "properties": {}, "required": []},
        "static_params": {"message": "Hi {{name}}", "type": "static"},
        "speak_during_execution": True,
        "speak_after_execution": True,
        "async": False,
    }


def test_key_order_and_spacing_do_not_matter() -> None:
    a = {
        "name": "t",
        "type": "api_request",
        "url": "https://x",
        "method": "GET",
        "parameters": {"type": "object", "required": ["b", "a"], "properties": {}},
    }
    b = {
        "type": "api_request",
        "url": "https://x",
        "name": "t",
        "parameters": {"properties": {}, "required": ["a", "b"], "type": "object"},
    }
    assert canonical_tool(a) == canonical_tool(b)
    assert fingerprint(canonical_tool(a)) == fingerprint(canonical_tool(b))
    assert list(canonical_tool(b))[:3] == ["type", "name", "description"]


def test_real_differences_survive() -> None:
    a = canonical_tool({"type": "dtmf", "name": "d", "static_params": {"digits": "1"}})
    b = canonical_tool({"type": "dtmf", "name": "d", "static_params": {"digits": "2"}})
    assert a != b
    assert fingerprint(a) != fingerprint(b)


def test_normalize_placeholders() -> None:
    assert normalize_placeholders("{{  a.b }} and {{c}}") == "{{a.b}} and {{c}}"
