"""The least a Streamlit page can cost in a browser: two pages that each write a heading, and
nothing else (`bench.browser`'s floor). A page switch here is Streamlit's own work, the browser's
and the WebSocket's, with a script that takes next to no time."""

import streamlit as st


def first() -> None:
    st.title("Trang A")


def second() -> None:
    st.title("Trang B")
    st.markdown("Không có gì khác.")


st.navigation(
    [
        st.Page(first, title="Trang A", url_path="a", default=True),
        st.Page(second, title="Trang B", url_path="b"),
    ]
).run()
