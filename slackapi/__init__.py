"""The Slack Web API side of gopherbot: the client, the bot's identity, the channel cache."""
