import streamlit as st
st.title('opportunity')
st.info('This page is being built.')
