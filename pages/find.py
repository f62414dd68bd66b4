import streamlit as st
st.title('find')
st.info('This page is being built.')
