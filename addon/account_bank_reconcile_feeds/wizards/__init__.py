from . import bankrec_feed_connect
