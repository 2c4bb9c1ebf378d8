"""The merge-request bot: run the fixers on a repository the bot does not have checked out,
and propose the result as a merge request (``paasfix mr``).

:func:`paasfix.bot.run.run_repository` does one repository and returns a
:class:`paasfix.bot.run.RepoResult`; ``paasfix.bot.cli`` holds the command.
"""
