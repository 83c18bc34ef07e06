from responses.preview import mrkdwn_to_html, preview_block


def test_it_renders_links_mentions_and_styles():
    html = mrkdwn_to_html("*Hi* <@UBOT>, see <https://go.dev/tour/|the tour> and <#C01|general>")
    assert html == (
        '<strong>Hi</strong> <span class="slack-mention">@UBOT</span>, see '
        '<a href="https://go.dev/tour/" rel="noopener">the tour</a> and '
        '<span class="slack-mention">#general</span>'
    )


def test_code_is_shown_verbatim_and_escaped():
    assert mrkdwn_to_html("`select {}` ```<b>*x*</b>```") == (
        "<code>select {}</code> <pre>&lt;b&gt;*x*&lt;/b&gt;</pre>"
    )


def test_html_and_unsafe_links_are_escaped():
    assert mrkdwn_to_html("<script>alert(1)</script> <javascript:alert(1)|x>\nok") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &lt;javascript:alert(1)|x&gt;<br>ok"
    )


def test_the_block_shows_the_exact_text_too():
    block = preview_block("_see_ <https://go.dev>", "a note")
    assert "<em>see</em>" in block
    assert "_see_ &lt;https://go.dev&gt;</pre>" in block
    assert '<p class="help">a note</p>' in block
