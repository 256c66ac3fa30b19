"""Tests of the stand-in Conversation API server, nexmo_client.testing."""
