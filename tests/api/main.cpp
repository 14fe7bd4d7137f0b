// main.cpp: doctest's main for the API tests (and nothing else, so the test files stay plain).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
