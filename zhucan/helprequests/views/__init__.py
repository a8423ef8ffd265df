"""The pages inside (signed in): the list, a request and its actions, the spam list, the
deadlines."""
