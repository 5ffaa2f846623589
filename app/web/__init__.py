"""The HTTP edge beside Streamlit's pages: what a page cannot do (set a cookie, answer an address
that is no page, take the provider's sign-on callback), served in the same process by Streamlit's
own Starlette server through `st.App` (zonerisk_server.py)."""
