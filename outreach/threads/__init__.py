"""A post's thread with the desk on its part of a demarche, and the files on it and on its tasks.

    access.py       the one access rule: who reads (DemarchePost.visible_to) and who writes (can_act_on)
    services.py     post a message, correct it within 5 minutes (earlier text kept), resolve questions
    attachments.py  files: size limits, type by content, stored through STORAGES["attachments"]
    files.py        what a file is from its bytes (pure Python), the type a download is sent as
    storage.py      DatabaseStorage: the files' bytes in the database (the default)
    notify.py       the other side told: in-app, and one email per message (or the post's digest)
    queries.py      what pages read: a thread, pending questions, each post's last message
    views.py urls.py forms.py   the pages; outreach/api/threads.py the API
"""
