from django.urls import path

from zhucan.helprequests.views import actions, pages

app_name = "helprequests"

urlpatterns = [
    path("", pages.request_list, name="list"),
    path("spam/", pages.spam_list, name="spam"),
    path("deadlines/<int:org_pk>/", pages.deadlines, name="deadlines"),
    path("<int:request_pk>/", pages.request_detail, name="detail"),
    path("<int:request_pk>/acknowledge/", actions.acknowledge, name="acknowledge"),
    path("<int:request_pk>/assign/", actions.assign, name="assign"),
    path("<int:request_pk>/answer/", actions.answer, name="answer"),
    path("<int:request_pk>/transfer/", actions.transfer, name="transfer"),
    path("<int:request_pk>/spam/", actions.spam, name="mark_spam"),
    path("<int:request_pk>/restore/", actions.restore, name="restore"),
    path("<int:request_pk>/link/", actions.link, name="link"),
    path("<int:request_pk>/help-given/", actions.help_given, name="help_given"),
    path("<int:request_pk>/reveal/", actions.reveal, name="reveal"),
]
