"""HTML sanitising against real XSS vectors, and plain text turned into escaped HTML."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeString

from touchbase.core.sanitize import MAX_INPUT_CHARS, TextTooLong, html_clean, text_to_html


def test_a_script_tag_goes_with_its_content():
    assert html_clean(text="<p>Hallo <script>alert(1)</script>Welt</p>") == "<p>Hallo Welt</p>"


def test_an_image_with_an_onerror_handler_is_dropped():
    assert html_clean(text='<img src=x onerror="alert(1)">Text') == "Text"


def test_javascript_and_data_urls_lose_their_href_in_any_spelling():
    vectors = [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
    ]
    assert [html_clean(text=vector) for vector in vectors] == [
        '<a rel="noopener nofollow">x</a>'
    ] * len(vectors)


def test_svg_with_onload_is_dropped_and_only_its_text_stays():
    assert html_clean(text='<svg onload=alert(1)><circle r="1"/>Kreis</svg>') == "Kreis"


def test_style_attributes_and_style_elements_are_dropped():
    assert html_clean(text='<p style="width: expression(alert(1))">Breite</p>') == "<p>Breite</p>"
    assert html_clean(text='<style>p{background:url("javascript:alert(1)")}</style>Rest') == "Rest"


def test_event_handlers_classes_and_ids_are_dropped_from_allowed_tags():
    dirty = '<p onclick="alert(1)" class="x" id="y" onmouseover="alert(2)">Absatz</p>'
    assert html_clean(text=dirty) == "<p>Absatz</p>"


def test_frames_forms_and_templates_are_dropped():
    dirty = (
        '<iframe src="https://evil.example"></iframe><form action="/x"><input name="a">'
        '<button formaction="javascript:alert(1)">Los</button></form>'
        "<template><img src=x onerror=alert(1)></template>"
    )
    assert html_clean(text=dirty) == "Los"


def test_a_mutation_through_noscript_cannot_smuggle_markup():
    cleaned = html_clean(text='<noscript><p title="</noscript><img src=x onerror=alert(1)>">')
    assert cleaned == '&lt;p title=""&gt;'
    assert "<img" not in cleaned


def test_safe_formatting_and_links_are_kept_and_links_get_rel():
    rich = (
        "<h2>Rückblick</h2><p><strong>Wichtig</strong> und <em>betont</em><br>neue Zeile</p>"
        "<ul><li>eins</li></ul><ol><li>zwei</li></ol><blockquote>Zitat</blockquote>"
        "<pre><code>if a &lt; b: pass</code></pre><h3>drei</h3><h4>vier</h4>"
    )
    assert html_clean(text=rich) == rich
    assert (
        html_clean(
            text='<a href="https://pollux.example/?a=1&b=2" target="_blank" rel="opener">Pollux</a>'
        )
        == '<a href="https://pollux.example/?a=1&amp;b=2" rel="noopener nofollow">Pollux</a>'
    )
    assert html_clean(text='<a href="mailto:info@pollux.example">Mail</a>') == (
        '<a href="mailto:info@pollux.example" rel="noopener nofollow">Mail</a>'
    )


def test_other_tags_are_unwrapped_and_comments_dropped():
    assert html_clean(text="<!-- x --><h1>Groß</h1><div><span>Text</span></div>") == "GroßText"


def test_unclosed_markup_is_closed():
    assert html_clean(text="<p>offen <strong>fett") == "<p>offen <strong>fett</strong></p>"


def test_the_cleaned_html_renders_unescaped_in_a_template():
    cleaned = html_clean(text="<p>Hallo <em>Welt</em></p>")
    assert isinstance(cleaned, SafeString)
    assert Template("{{ body }}").render(Context({"body": cleaned})) == "<p>Hallo <em>Welt</em></p>"


def test_input_over_the_limit_is_refused_with_a_readable_message():
    with translation.override("de"), pytest.raises(TextTooLong) as caught:
        html_clean(text="a" * (MAX_INPUT_CHARS + 1))
    assert str(caught.value) == (
        "Der Text ist zu lang: 100001 Zeichen, höchstens 100000 sind erlaubt."
    )
    with pytest.raises(TextTooLong):
        text_to_html(text="a" * (MAX_INPUT_CHARS + 1))


def test_input_at_the_limit_is_cleaned():
    assert html_clean(text="a" * MAX_INPUT_CHARS) == "a" * MAX_INPUT_CHARS


def test_plain_text_is_escaped_and_gets_paragraphs_and_line_breaks():
    html = text_to_html(text='Hallo <script>alert("x")</script> & Co.\nZeile zwei\n\nAbsatz')
    assert html == (
        "<p>Hallo &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co.<br>Zeile zwei</p>"
        "\n\n<p>Absatz</p>"
    )
    assert isinstance(html, SafeString)


def test_empty_input_gives_empty_output():
    assert html_clean(text="") == ""
    assert text_to_html(text="") == ""
