import streamlit as st
st.title('districts')
st.info('This page is being built.')
