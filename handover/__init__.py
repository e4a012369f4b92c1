"""The agent desk: where a person takes over a conversation, with the case in hand.

`desk` is the protocol, shared by the action server (it sends the case) and the Rasa
server (it forwards what the customer writes while a person has the conversation, and
takes the agent's messages at channels/agent_desk.py). The schema is in docs/handover.md.
No Rasa import.
"""
